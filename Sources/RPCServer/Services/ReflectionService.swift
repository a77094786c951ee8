internal import Proto

/// gRPC server reflection (`grpc.reflection.v1.ServerReflection` and `v1alpha`, wire-identical):
/// list_services, file_by_filename and file_containing_symbol, answered from
/// ``DescriptorCatalog`` (generated from the same descriptor set as the code, so no .proto is
/// read at run time). A bidirectional method, so served by the HTTP/2 streams only
/// (``GRPCStreamHandler``), not by the router; public, like `grpc.health.v1.Health`.
package enum ReflectionService {
    package static let v1 = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
    package static let v1alpha = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
    package static let paths: Set<String> = [v1, v1alpha]

    /// The services listed: the contract's, the standard ones, and reflection itself.
    package static let services: [String] = ServiceCatalog.services.map(\.name) + ServiceCatalog.standard.map(\.name)
        + ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]

    typealias Request = Wire.GRPCReflectionV1.ServerReflectionRequest
    typealias Response = Wire.GRPCReflectionV1.ServerReflectionResponse

    /// The answer to one request (an error_response for what is not found or not supported).
    static func answer(_ request: Request) -> Response {
        var response = Response(validHost: request.host, originalRequest: request)
        switch request.messageRequest {
        case .listServices?:
            response.messageResponse = .listServicesResponse(.init(service: services.map { .init(name: $0) }))
        case .fileByFilename(let name)?:
            response.messageResponse = files(DescriptorCatalog.byName[name], notFound: "file \(name)")
        case .fileContainingSymbol(let symbol)?:
            response.messageResponse = files(DescriptorCatalog.bySymbol[symbol], notFound: "symbol \(symbol)")
        case .fileContainingExtension?, .allExtensionNumbersOfType?:
            // The contract is proto3 without extensions.
            response.messageResponse = .errorResponse(.init(errorCode: Int32(StatusCode.notFound.rawValue), errorMessage: "no extensions"))
        case nil:
            response.messageResponse = .errorResponse(.init(errorCode: Int32(StatusCode.invalidArgument.rawValue), errorMessage: "empty request"))
        }
        return response
    }

    private static func files(_ file: DescriptorFile?, notFound: String) -> Response.MessageResponse {
        guard let file else {
            return .errorResponse(.init(errorCode: Int32(StatusCode.notFound.rawValue), errorMessage: "unknown \(notFound)"))
        }
        return .fileDescriptorResponse(.init(fileDescriptorProto: DescriptorCatalog.withDependencies(file).map(\.bytes)))
    }
}
