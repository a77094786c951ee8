/// Namespace of the wire messages generated from `proto/`.
///
/// `Wire.<Area>.<Message>` mirrors package `jzs.<area>.v1`, for example
/// ``Wire/Public/EchoRequest`` is `jzs.public.v1.EchoRequest`. The types are plain Swift values;
/// the protobuf-c structs behind them never leave this module.
public enum Wire {}

/// A message of the wire contract.
///
/// Encoding and decoding go through protobuf-c (see ``MessageCodec``); the conformance is generated.
public protocol WireMessage: Sendable, Hashable {}
