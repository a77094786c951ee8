#!/usr/bin/env python3
"""Generate the Swift face of the jzs wire contract from a FileDescriptorSet.

Input: the binary FileDescriptorSet that `protoc-c --descriptor_set_out --include_source_info`
wrote for proto/ (protoc-c parses and validates the .proto files; this script never parses
proto text). Output, all into Sources/Proto:
  C/include/CProto.h                       umbrella header + descriptor accessors
  Swift/Generated/Messages.generated.swift the Wire.* structs and enums
  Swift/Generated/Bridge.generated.swift   field copying to and from protobuf-c structs
  Swift/Generated/Methods.generated.swift  the typed method table and the service catalog
  Swift/Generated/Descriptors.generated.swift  each file's FileDescriptorProto (server reflection)

Packages are jzs.<area>.v<N> (the contract) or the standard ones jzs defines wire-identically in
its own files (google.protobuf, google.rpc, grpc.health.v1, grpc.reflection.v1/v1alpha): protoc-c
cannot import Google's well-known types. Their services go into ServiceCatalog.standard; the one
bidirectional method (reflection) is served by hand and is left out of the method table.

Only the subset the project allows is accepted: proto3, no maps, no groups, no extensions,
no recursive messages. Anything else stops generation with a message naming the element.
"""
import re
import sys
from pathlib import Path

# --- A minimal protobuf wire reader (enough for descriptor.proto) -------------------------


def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """Yield (number, wire_type, value) for each field of one message."""
    pos = 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wt = key >> 3, key & 7
        if wt == 0:
            value, pos = read_varint(buf, pos)
        elif wt == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wt == 2:
            n, pos = read_varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wt == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise SystemExit(f"protogen: unsupported wire type {wt} in descriptor set")
        yield number, wt, value


def decode(buf, schema):
    """schema: {number: (name, kind, repeated)}; kind 'str', 'int', 'msg:<schema-name>', 'bytes'."""
    out = {name: ([] if rep else None) for name, _, rep in schema.values()}
    for number, wt, value in fields(buf):
        if number not in schema:
            continue
        name, kind, rep = schema[number]
        if kind == 'str':
            value = value.decode('utf-8')
        elif kind == 'int' and wt == 2:  # packed repeated ints
            vals, p = [], 0
            while p < len(value):
                v, p = read_varint(value, p)
                vals.append(v)
            out[name].extend(vals)
            continue
        elif kind.startswith('msg:'):
            value = decode(value, SCHEMAS[kind[4:]])
        if rep:
            out[name].append(value)
        else:
            out[name] = value
    return out


SCHEMAS = {
    'FileDescriptorSet': {1: ('file', 'msg:File', True)},
    'File': {1: ('name', 'str', False), 2: ('package', 'str', False),
             3: ('dependency', 'str', True), 4: ('message_type', 'msg:Message', True),
             5: ('enum_type', 'msg:Enum', True), 6: ('service', 'msg:Service', True),
             7: ('extension', 'bytes', True), 9: ('source_code_info', 'msg:SourceInfo', False),
             12: ('syntax', 'str', False)},
    'Message': {1: ('name', 'str', False), 2: ('field', 'msg:Field', True),
                3: ('nested_type', 'msg:Message', True), 4: ('enum_type', 'msg:Enum', True),
                6: ('extension', 'bytes', True), 7: ('options', 'msg:MessageOptions', False),
                8: ('oneof_decl', 'msg:Oneof', True)},
    'MessageOptions': {7: ('map_entry', 'int', False)},
    'Field': {1: ('name', 'str', False), 3: ('number', 'int', False), 4: ('label', 'int', False),
              5: ('type', 'int', False), 6: ('type_name', 'str', False),
              9: ('oneof_index', 'int', False), 17: ('proto3_optional', 'int', False)},
    'Oneof': {1: ('name', 'str', False)},
    'Enum': {1: ('name', 'str', False), 2: ('value', 'msg:EnumValue', True)},
    'EnumValue': {1: ('name', 'str', False), 2: ('number', 'int', False)},
    'Service': {1: ('name', 'str', False), 2: ('method', 'msg:Method', True)},
    'Method': {1: ('name', 'str', False), 2: ('input_type', 'str', False),
               3: ('output_type', 'str', False), 5: ('client_streaming', 'int', False),
               6: ('server_streaming', 'int', False)},
    'SourceInfo': {1: ('location', 'msg:Location', True)},
    'Location': {1: ('path', 'int', True), 3: ('leading_comments', 'str', False)},
}

# --- Names ---------------------------------------------------------------------------------

C_KEYWORDS = set("""and and_eq asm auto bitand bitor bool break case catch char class compl const
const_cast continue default delete do double dynamic_cast else enum explicit extern false float for
friend goto if inline int long mutable namespace new not not_eq operator or or_eq private protected
public register reinterpret_cast return short signed sizeof static static_cast struct switch template
this throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
xor xor_eq""".split())

SWIFT_KEYWORDS = set("""associatedtype class deinit enum extension fileprivate func import init inout
internal let open operator private precedencegroup protocol public rethrows static struct subscript
typealias var break case catch continue default defer do else fallthrough for guard if in repeat return
throw switch where while Any as await false is nil self Self super throws true try Type""".split())

AREA_NAMES = {'rpc': 'RPC'}


def camel_to_lower(name):  # protoc-c's CamelToLower
    out, was_upper = '', True
    for ch in name:
        if ch.isupper():
            if not was_upper:
                out += '_'
            out += ch.lower()
            was_upper = True
        else:
            out += ch
            was_upper = False
    return out


def to_camel(name):  # protoc-c's ToCamel
    out, upper = '', True
    for ch in name:
        if ch == '_':
            upper = True
        elif upper:
            out += ch.upper()
            upper = False
        else:
            out += ch
    return out


def c_type(full):
    return '__'.join(to_camel(p) for p in full.split('.') if p)


def c_lower(full):
    return '__'.join(camel_to_lower(p) for p in full.split('.') if p)


def c_field(name):
    n = name.lower()
    return n + '_' if n in C_KEYWORDS else n


ACRONYMS = {'id': 'ID', 'ids': 'IDs', 'uri': 'URI', 'url': 'URL'}


def lower_camel(snake):
    """snake_case -> lowerCamel, with acronyms upper-cased after the first word (call_id -> callID)."""
    parts = [p for p in snake.split('_') if p]
    s = parts[0].lower() + ''.join(ACRONYMS.get(p.lower(), p[:1].upper() + p[1:].lower()) for p in parts[1:])
    return s


def swift_ident(name):
    return f'`{name}`' if name in SWIFT_KEYWORDS else name


STANDARD_AREAS = {
    'google.protobuf': 'GoogleProtobuf', 'google.rpc': 'GoogleRPC', 'grpc.health.v1': 'GRPCHealthV1',
    'grpc.reflection.v1': 'GRPCReflectionV1', 'grpc.reflection.v1alpha': 'GRPCReflectionV1alpha',
}


def is_standard(package):
    return package in STANDARD_AREAS


def area_of(package):
    # jzs.public.v1 -> Public; jzs.rpc.v1 -> RPC
    if package in STANDARD_AREAS:
        return STANDARD_AREAS[package]
    parts = package.split('.')
    if len(parts) != 3 or parts[0] != 'jzs' or not parts[2].startswith('v'):
        raise SystemExit(f"protogen: package {package!r} must be jzs.<area>.v<N>")
    area = AREA_NAMES.get(parts[1], to_camel(parts[1]))
    return area if parts[2] == 'v1' else area + parts[2].upper()


# --- Model ---------------------------------------------------------------------------------

SCALARS = {  # descriptor type -> (Swift type, default literal, C conversion kind)
    1: ('Double', '0', 'plain'), 2: ('Float', '0', 'plain'), 3: ('Int64', '0', 'plain'),
    4: ('UInt64', '0', 'plain'), 5: ('Int32', '0', 'plain'), 6: ('UInt64', '0', 'plain'),
    7: ('UInt32', '0', 'plain'), 8: ('Bool', 'false', 'bool'), 9: ('String', '""', 'string'),
    12: ('[UInt8]', '[]', 'bytes'), 13: ('UInt32', '0', 'plain'), 15: ('Int32', '0', 'plain'),
    16: ('Int64', '0', 'plain'), 17: ('Int32', '0', 'plain'), 18: ('Int64', '0', 'plain'),
}

messages = {}   # full name -> dict
enums = {}      # full name -> dict
services = []
comments = {}   # (file, path tuple) -> text


def doc(text, indent):
    if not text:
        return ''
    lines = [l.strip() for l in text.strip().splitlines()]
    return ''.join(f"{indent}/// {l}".rstrip() + '\n' for l in lines)


def collect(files):
    for f in files:
        if f['syntax'] != 'proto3':
            raise SystemExit(f"protogen: {f['name']}: only proto3 is allowed")
        if f['extension']:
            raise SystemExit(f"protogen: {f['name']}: extensions are not allowed")
        if f['source_code_info']:
            for loc in f['source_code_info']['location']:
                if loc['leading_comments']:
                    comments[(f['name'], tuple(loc['path']))] = loc['leading_comments']
        pkg = f['package']
        area = area_of(pkg)
        for i, e in enumerate(f['enum_type']):
            add_enum(e, pkg, area, [e['name']], f['name'], (5, i))
        for i, m in enumerate(f['message_type']):
            add_message(m, pkg, area, [m['name']], f['name'], (4, i))
        for si, s in enumerate(f['service']):
            # The bidirectional reflection method is served by hand (no method-table entry).
            methods = [dict(m, doc=comments.get((f['name'], (6, si, 2, mi))))
                       for mi, m in enumerate(s['method'])
                       if not (m['client_streaming'] and pkg.startswith('grpc.reflection.'))]
            if methods:
                services.append({'name': s['name'], 'package': pkg, 'area': area,
                                 'doc': comments.get((f['name'], (6, si))), 'methods': methods})


def add_enum(e, pkg, area, path, fname, spath):
    full = '.'.join([pkg] + path)
    enums[full] = {'full': full, 'area': area, 'path': path, 'values': e['value'],
                   'doc': comments.get((fname, spath))}


def add_message(m, pkg, area, path, fname, spath):
    if m['options'] and m['options']['map_entry']:
        raise SystemExit(f"protogen: {'.'.join(path)}: map fields are not allowed")
    if m['extension']:
        raise SystemExit(f"protogen: {'.'.join(path)}: extensions are not allowed")
    full = '.'.join([pkg] + path)
    fields_ = []
    for fi, fd in enumerate(m['field']):
        if fd['type'] == 10:
            raise SystemExit(f"protogen: {full}.{fd['name']}: groups are not allowed")
        if fd['proto3_optional']:
            raise SystemExit(f"protogen: {full}.{fd['name']}: proto3 optional is not supported by protoc-c 1.4; use a one-field oneof")
        fields_.append(dict(fd, doc=comments.get((fname, spath + (2, fi)))))
    messages[full] = {'full': full, 'area': area, 'path': path, 'fields': fields_,
                      'oneofs': [o['name'] for o in m['oneof_decl']],
                      'doc': comments.get((fname, spath))}
    for i, e in enumerate(m['enum_type']):
        add_enum(e, pkg, area, path + [e['name']], fname, spath + (4, i))
    for i, n in enumerate(m['nested_type']):
        add_message(n, pkg, area, path + [n['name']], fname, spath + (3, i))


def swift_name(full):
    """Swift type name of a message or enum: Wire.<Area>.<Path...>."""
    t = messages.get(full) or enums.get(full)
    return 'Wire.' + t['area'] + '.' + '.'.join(swift_ident(p) for p in t['path'])


def check_recursion():
    def visit(name, stack):
        if name in stack:
            raise SystemExit(f"protogen: recursive message {' -> '.join(stack + [name])} is not allowed")
        for fd in messages[name]['fields']:
            if fd['type'] == 11:
                visit(fd['type_name'].lstrip('.'), stack + [name])
    for name in messages:
        visit(name, [])


# --- Field plans -----------------------------------------------------------------------------

def plan(msg):
    """Swift properties of a message: plain fields, single-member oneofs as optionals,
    multi-member oneofs as enums."""
    props = []
    groups = {}
    for fd in msg['fields']:
        oi = fd['oneof_index']
        if oi is not None:
            groups.setdefault(oi, []).append(fd)
    done = set()
    for fd in msg['fields']:
        oi = fd['oneof_index']
        if oi is None:
            props.append(('field', fd))
        elif oi not in done:
            done.add(oi)
            members = groups[oi]
            if len(members) == 1:
                props.append(('optional', members[0], msg['oneofs'][oi]))
            else:
                props.append(('oneof', members, msg['oneofs'][oi]))
    return props


def value_type(fd):
    t = fd['type']
    if t == 11 or t == 14:
        return swift_name(fd['type_name'].lstrip('.'))
    return SCALARS[t][0]


def default_of(fd):
    t = fd['type']
    if fd['label'] == 3:
        return '[]'
    if t == 11:
        return 'nil'
    if t == 14:
        e = enums[fd['type_name'].lstrip('.')]
        zero = [v for v in e['values'] if v['number'] == 0]
        return '.' + enum_case(e, zero[0]['name'])
    return SCALARS[t][1]


def enum_case(e, value_name):
    prefix = camel_to_lower(e['path'][-1]).upper() + '_'
    n = value_name[len(prefix):] if value_name.startswith(prefix) else value_name
    c = lower_camel(n.lower())
    if c[0].isdigit():
        c = '_' + c
    return swift_ident(c)


# --- Emit: messages --------------------------------------------------------------------------

HEADER = "// Generated by scripts/generate-proto from proto/. Do not edit.\n"


def emit_messages():
    out = [HEADER, "// swiftlint:disable all\n\n"]
    areas = sorted({m['area'] for m in messages.values()} | {e['area'] for e in enums.values()})
    for area in areas:
        out.append(f"extension Wire {{\n    /// Messages of package `{package_of_area(area)}`.\n    public enum {area} {{}}\n}}\n\n")
    for full in sorted(enums):
        out.append(emit_enum(enums[full]))
    for full in sorted(messages):
        out.append(emit_message(messages[full]))
    return ''.join(out)


def package_of_area(area):
    for m in list(messages.values()) + list(enums.values()):
        if m['area'] == area:
            return m['full'].rsplit('.', len(m['path']))[0]
    return area


def parent_ext(t):
    return 'Wire.' + t['area'] + ''.join('.' + swift_ident(p) for p in t['path'][:-1])


def emit_enum(e):
    name = e['path'][-1]
    cases = [(enum_case(e, v['name']), v['number']) for v in e['values']]
    s = f"extension {parent_ext(e)} {{\n"
    s += doc(e['doc'], '    ')
    s += f"    public enum {name}: Sendable, Hashable {{\n"
    for c, n in cases:
        s += f"        case {c}  // = {n}\n"
    s += "        /// A value this version of the contract does not know.\n"
    s += "        case unrecognized(Int32)\n\n"
    s += "        public init(rawValue: Int32) {\n            switch rawValue {\n"
    for c, n in cases:
        s += f"            case {n}: self = .{c}\n"
    s += "            default: self = .unrecognized(rawValue)\n            }\n        }\n\n"
    s += "        public var rawValue: Int32 {\n            switch self {\n"
    for c, n in cases:
        s += f"            case .{c}: {n}\n"
    s += "            case .unrecognized(let value): value\n            }\n        }\n"
    s += "    }\n}\n\n"
    return s


def prop_decl(p):
    if p[0] == 'field':
        fd = p[1]
        t = value_type(fd)
        if fd['label'] == 3:
            t = f'[{t}]'
        elif fd['type'] == 11:
            t = f'{t}?'
        return lower_camel(fd['name']), t, default_of(fd), fd.get('doc')
    if p[0] == 'optional':
        fd = p[1]
        return lower_camel(fd['name']), value_type(fd) + '?', 'nil', fd.get('doc')
    members, oname = p[1], p[2]
    return lower_camel(oname), to_camel(oname) + '?', 'nil', None


def emit_message(m):
    name = m['path'][-1]
    props = plan(m)
    s = f"extension {parent_ext(m)} {{\n"
    s += doc(m['doc'], '    ')
    s += f"    public struct {swift_ident(name)}: WireMessage, Sendable, Hashable {{\n"
    for p in props:
        if p[0] == 'oneof':
            members, oname = p[1], p[2]
            s += f"        public enum {to_camel(oname)}: Sendable, Hashable {{\n"
            for fd in members:
                s += doc(fd.get('doc'), '            ')
                s += f"            case {swift_ident(lower_camel(fd['name']))}({value_type(fd)})\n"
            s += "        }\n"
    decls = [prop_decl(p) for p in props]
    for pname, ptype, _, pdoc in decls:
        s += doc(pdoc, '        ')
        s += f"        public var {swift_ident(pname)}: {ptype}\n"
    params = ', '.join(f"{pname}: {ptype} = {dflt}" for pname, ptype, dflt, _ in decls)
    s += f"\n        public init({params}) {{\n"
    for pname, _, _, _ in decls:
        s += f"            self.{swift_ident(pname)} = {swift_ident(pname)}\n"
    s += "        }\n    }\n}\n\n"
    return s


# --- Emit: bridge ------------------------------------------------------------------------------

def read_expr(fd, src):
    """Swift expression reading one (non-repeated) field value from C."""
    t = fd['type']
    if t == 9:
        return f"CBridge.string({src})"
    if t == 12:
        return f"CBridge.bytes({src})"
    if t == 8:
        return f"{src} != 0"
    if t == 14:
        return f"{value_type(fd)}(rawValue: Int32(truncatingIfNeeded: {src}.rawValue))"
    if t == 11:
        return f"{value_type(fd)}(cMessage: {src})"
    return src


def write_expr(fd, value):
    t = fd['type']
    if t == 9:
        return f"arena.string({value})"
    if t == 12:
        return f"arena.bytes({value})"
    if t == 8:
        return f"{value} ? 1 : 0"
    if t == 14:
        return f".init(rawValue: .init(truncatingIfNeeded: {value}.rawValue))"
    if t == 11:
        return f"arena.message({value})"
    return value


def repeated_read(fd, cname):
    t = fd['type']
    n, p = f"c.n_{cname}", f"c.{cname}"
    if t == 9:
        return f"CBridge.strings({n}, {p})"
    if t == 12:
        return f"CBridge.byteArrays({n}, {p})"
    if t == 11:
        return f"CBridge.messages({n}, {p}, as: {value_type(fd)}.self)"
    if t == 8:
        return f"CBridge.bools({n}, {p})"
    if t == 14:
        return f"CBridge.enums({n}, {p}, {value_type(fd)}.init(rawValue:))"
    return f"CBridge.scalars({n}, {p})"


def repeated_write(fd, value):
    t = fd['type']
    if t == 9:
        return f"arena.strings({value})"
    if t == 12:
        return f"arena.byteArrays({value})"
    if t == 11:
        return f"arena.messages({value})"
    if t == 8:
        return f"arena.bools({value})"
    if t == 14:
        return f"arena.enums({value}) {{ .init(rawValue: .init(truncatingIfNeeded: $0.rawValue)) }}"
    return f"arena.scalars({value})"


def emit_bridge():
    out = [HEADER, "package import CProto\ninternal import CProtobufC\n\n"]
    for full in sorted(messages):
        m = messages[full]
        ctype = c_type(full)
        clow = c_lower(full)
        props = plan(m)
        s = f"extension {swift_name(full)}: ProtobufCBacked {{\n"
        s += f"    package typealias CMessage = {ctype}\n"
        s += f"    package static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {{ jzs_descriptor__{clow}() }}\n"
        s += f"    package static func cInitialize(_ c: UnsafeMutablePointer<{ctype}>) {{ {clow}__init(c) }}\n\n"
        # read
        s += f"    package init(cMessage pointer: UnsafePointer<{ctype}>) {{\n"
        s += ("        let c = pointer.pointee\n" if props else "        _ = pointer\n") + "        self.init()\n"
        for p in props:
            if p[0] == 'field':
                fd = p[1]
                cname, sname = c_field(fd['name']), swift_ident(lower_camel(fd['name']))
                if fd['label'] == 3:
                    s += f"        self.{sname} = {repeated_read(fd, cname)}\n"
                elif fd['type'] == 11:
                    s += f"        if let v = c.{cname} {{ self.{sname} = {read_expr(fd, 'v')} }}\n"
                else:
                    s += f"        self.{sname} = {read_expr(fd, 'c.' + cname)}\n"
            elif p[0] == 'optional':
                fd, oname = p[1], p[2]
                cname, sname = c_field(fd['name']), swift_ident(lower_camel(fd['name']))
                src = 'v' if fd['type'] == 11 else 'c.' + cname
                if fd['type'] == 11:
                    s += f"        if c.{c_field(oname)}_case.rawValue == {fd['number']}, let v = c.{cname} {{ self.{sname} = {read_expr(fd, src)} }}\n"
                else:
                    s += f"        if c.{c_field(oname)}_case.rawValue == {fd['number']} {{ self.{sname} = {read_expr(fd, src)} }}\n"
            else:
                members, oname = p[1], p[2]
                sname = swift_ident(lower_camel(oname))
                s += f"        switch c.{c_field(oname)}_case.rawValue {{\n"
                for fd in members:
                    cname = c_field(fd['name'])
                    case = swift_ident(lower_camel(fd['name']))
                    if fd['type'] == 11:
                        s += f"        case {fd['number']}: if let v = c.{cname} {{ self.{sname} = .{case}({read_expr(fd, 'v')}) }}\n"
                    else:
                        s += f"        case {fd['number']}: self.{sname} = .{case}({read_expr(fd, 'c.' + cname)})\n"
                s += "        default: break\n        }\n"
        s += "    }\n\n"
        # write
        s += f"    package func fill(_ c: UnsafeMutablePointer<{ctype}>, arena: borrowing CArena) {{\n"
        for p in props:
            if p[0] == 'field':
                fd = p[1]
                cname, sname = c_field(fd['name']), swift_ident(lower_camel(fd['name']))
                if fd['label'] == 3:
                    s += f"        if !{sname}.isEmpty {{\n"
                    s += f"            c.pointee.n_{cname} = {sname}.count\n"
                    s += f"            c.pointee.{cname} = {repeated_write(fd, sname)}\n        }}\n"
                elif fd['type'] == 11:
                    s += f"        if let v = {sname} {{ c.pointee.{cname} = {write_expr(fd, 'v')} }}\n"
                elif fd['type'] in (9, 12):
                    s += f"        if !{sname}.isEmpty {{ c.pointee.{cname} = {write_expr(fd, sname)} }}\n"
                else:
                    s += f"        c.pointee.{cname} = {write_expr(fd, sname)}\n"
            elif p[0] == 'optional':
                fd, oname = p[1], p[2]
                cname, sname = c_field(fd['name']), swift_ident(lower_camel(fd['name']))
                s += f"        if let v = {sname} {{\n"
                s += f"            c.pointee.{c_field(oname)}_case = .init(rawValue: {fd['number']})\n"
                s += f"            c.pointee.{cname} = {write_expr(fd, 'v')}\n        }}\n"
            else:
                members, oname = p[1], p[2]
                sname = swift_ident(lower_camel(oname))
                s += f"        switch {sname} {{\n"
                for fd in members:
                    cname = c_field(fd['name'])
                    case = swift_ident(lower_camel(fd['name']))
                    s += f"        case .{case}(let v)?:\n"
                    s += f"            c.pointee.{c_field(oname)}_case = .init(rawValue: {fd['number']})\n"
                    s += f"            c.pointee.{cname} = {write_expr(fd, 'v')}\n"
                s += "        case nil: break\n        }\n"
        s += "    }\n}\n\n"
        out.append(s)
    return ''.join(out)


# --- Emit: methods -----------------------------------------------------------------------------

def emit_methods():
    out = [HEADER, "\n"]
    catalog = []
    for svc in sorted(services, key=lambda s: s['package'] + '.' + s['name']):
        full_svc = f"{svc['package']}.{svc['name']}"
        area = svc['area']
        s = f"extension Methods {{\n"
        s += doc(svc['doc'], '    ') or f"    /// Methods of `{full_svc}`.\n"
        s += f"    public enum {area} {{\n"
        entries = []
        for m in svc['methods']:
            if camel_to_lower(m['name']) in C_KEYWORDS:
                raise SystemExit(f"protogen: {full_svc}.{m['name']}: protoc-c would emit the C keyword "
                                 f"'{camel_to_lower(m['name'])}' as a member name; choose another method name")
            if m['client_streaming']:
                raise SystemExit(f"protogen: {full_svc}.{m['name']}: client streaming is not supported")
            req, resp = m['input_type'].lstrip('.'), m['output_type'].lstrip('.')
            kind = 'ServerStreamingMethod' if m['server_streaming'] else 'UnaryMethod'
            path = f"/{full_svc}/{m['name']}"
            s += doc(m['doc'], '        ')
            s += (f"        public static let {swift_ident(lower_camel(camel_to_lower(m['name'])))} = "
                  f"{kind}<{swift_name(req)}, {swift_name(resp)}>(path: \"{path}\")\n")
            entries.append((m['name'], path, req, resp, bool(m['server_streaming'])))
        s += "    }\n}\n\n"
        out.append(s)
        catalog.append((full_svc, entries, is_standard(svc['package'])))
    s = "extension ServiceCatalog {\n"
    for standard, name, what in ((False, 'services', 'Every service and method of the contract, in name order.'),
                                 (True, 'standard', 'The standard gRPC services jzs serves beside the contract (health).')):
        s += f"    /// {what}\n    public static let {name}: [ServiceEntry] = [\n"
        for full_svc, entries, std in catalog:
            if std != standard:
                continue
            s += f"        ServiceEntry(name: \"{full_svc}\", methods: [\n"
            for mname, path, req, resp, streaming in entries:
                s += (f"            MethodEntry(name: \"{mname}\", path: \"{path}\", requestType: \"{req}\", "
                      f"responseType: \"{resp}\", serverStreaming: {'true' if streaming else 'false'}),\n")
            s += "        ]),\n"
        s += "    ]\n"
    s += "}\n"
    out.append(s)
    return ''.join(out)


# --- Emit: file descriptors (server reflection) --------------------------------------------------

def without_source_info(buf):
    """The FileDescriptorProto bytes with field 9 (source_code_info) left out."""
    out, pos = bytearray(), 0
    while pos < len(buf):
        start = pos
        key, pos = read_varint(buf, pos)
        number, wt = key >> 3, key & 7
        if wt == 0:
            _, pos = read_varint(buf, pos)
        elif wt == 1:
            pos += 8
        elif wt == 2:
            n, pos = read_varint(buf, pos)
            pos += n
        elif wt == 5:
            pos += 4
        if number != 9:
            out += buf[start:pos]
    return bytes(out)


def symbols_of(f):
    pkg = f['package']
    names = []

    def visit_message(m, prefix):
        full = f"{prefix}.{m['name']}"
        names.append(full)
        for e in m['enum_type']:
            names.append(f"{full}.{e['name']}")
        for n in m['nested_type']:
            visit_message(n, full)
    for e in f['enum_type']:
        names.append(f"{pkg}.{e['name']}")
    for m in f['message_type']:
        visit_message(m, pkg)
    for s in f['service']:
        names.append(f"{pkg}.{s['name']}")
        names += [f"{pkg}.{s['name']}.{m['name']}" for m in s['method']]
    return sorted(names)


def emit_descriptors(raw_files, files):
    import base64
    out = [HEADER, "// swiftlint:disable all\n\n"]
    out.append("extension DescriptorCatalog {\n")
    out.append("    /// Every file of proto/: its serialized FileDescriptorProto (without source info), the files\n")
    out.append("    /// it imports and the symbols it defines, in file-name order.\n")
    out.append("    public static let files: [DescriptorFile] = [\n")
    for raw, f in sorted(zip(raw_files, files), key=lambda x: x[1]['name']):
        encoded = base64.b64encode(without_source_info(raw)).decode('ascii')
        deps = ', '.join(f'"{d}"' for d in f['dependency'])
        syms = ', '.join(f'"{n}"' for n in symbols_of(f))
        out.append(f"        DescriptorFile(\n            name: \"{f['name']}\", dependencies: [{deps}],\n")
        out.append(f"            symbols: [{syms}],\n")
        out.append(f"            base64: \"{encoded}\"),\n")
    out.append("    ]\n}\n")
    return ''.join(out)


# --- Emit: element caps of repeated request fields ----------------------------------------------

CAP_RE = re.compile(r'@max\s+(\d+)')

# Messages the server decodes besides the methods' requests (the call envelope).
SERVER_DECODED = ['jzs.rpc.v1.CallHeaders', 'jzs.rpc.v1.GoAway']


def request_messages():
    """Every message a server decodes: request types and the envelope, with what they contain."""
    roots = [m['input_type'].lstrip('.') for s in services for m in s['methods']] + SERVER_DECODED
    seen, stack = set(), list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for fd in messages[name]['fields']:
            if fd['type'] == 11:
                stack.append(fd['type_name'].lstrip('.'))
    return sorted(seen)


def emit_caps():
    """repeated_caps.c: one {number, max} list per request message; every repeated field of a
    request must declare `@max N` in its comment (limits as data, in the contract)."""
    s = "/* Generated by scripts/generate-proto from the `@max N` comments in proto/. Do not edit. */\n"
    s += "#include \"CProto.h\"\n\n"
    rows = []
    missing = [f"{full}.{fd['name']}" for full in request_messages() for fd in messages[full]['fields']
               if fd['label'] == 3 and not CAP_RE.search(fd['doc'] or '')]
    if missing:
        raise SystemExit("protogen: repeated fields of requests need `@max N` in their comment: " + ', '.join(missing))
    for full in request_messages():
        caps = []
        for fd in messages[full]['fields']:
            if fd['label'] != 3:
                continue
            m = CAP_RE.search(fd['doc'] or '')
            if not m:
                raise SystemExit(f"protogen: {full}.{fd['name']}: a repeated field of a request needs `@max N` in its comment")
            caps.append((fd['number'], int(m.group(1))))
        if caps:
            clow = c_lower(full)
            s += f"static const jzs_repeated_cap caps__{clow}[] = {{"
            s += ', '.join(f"{{{n}, {c}}}" for n, c in caps) + ", {0, 0}};\n"
            rows.append(clow)
    s += "\nconst jzs_repeated_cap *jzs_repeated_caps(const ProtobufCMessageDescriptor *d) {\n"
    for clow in rows:
        s += f"    if (d == &{clow}__descriptor) return caps__{clow};\n"
    s += "    return NULL;\n}\n"
    return s


# --- Emit: C umbrella ----------------------------------------------------------------------------

def emit_umbrella(headers):
    s = "/* Generated by scripts/generate-proto from proto/. Do not edit. */\n"
    s += "#ifndef JZS_CPROTO_H\n#define JZS_CPROTO_H\n\n#include <protobuf-c/protobuf-c.h>\n#include \"wire_support.h\"\n"
    for h in headers:
        s += f"#include \"{h}\"\n"
    s += "\n/* Swift cannot take the address of an extern const; these return the real descriptor. */\n"
    for full in sorted(messages):
        clow = c_lower(full)
        s += (f"static inline const ProtobufCMessageDescriptor *jzs_descriptor__{clow}(void) "
              f"{{ return &{clow}__descriptor; }}\n")
    s += "\n#endif\n"
    return s


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: protogen.py DESCRIPTOR_SET C_INCLUDE_DIR SWIFT_OUT_DIR")
    raw_set = Path(sys.argv[1]).read_bytes()
    fds = decode(raw_set, SCHEMAS['FileDescriptorSet'])
    raw_files = [value for number, _, value in fields(raw_set) if number == 1]
    ours = fds['file']
    collect(ours)
    check_recursion()
    headers = sorted(f['name'][:-len('.proto')] + '.pb-c.h' for f in ours)
    Path(sys.argv[2], 'CProto.h').write_text(emit_umbrella(headers))
    Path(sys.argv[2]).parent.joinpath('jzs', 'repeated_caps.c').write_text(emit_caps())
    out = Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    (out / 'Messages.generated.swift').write_text(emit_messages())
    (out / 'Bridge.generated.swift').write_text(emit_bridge())
    (out / 'Methods.generated.swift').write_text(emit_methods())
    (out / 'Descriptors.generated.swift').write_text(emit_descriptors(raw_files, ours))


if __name__ == '__main__':
    main()
