"""Stock gRPC clients against jzsd (issue #11): Python's grpcio with stubs generated from proto/,
grpcio-status, grpcio-health-checking and grpcio-reflection, over ALPN h2 on jzsd's TLS port.

Run by scripts/grpc-stock-tests (`make grpc-stock-test`, part of `make test`), which makes the
virtual environment and the stubs and sets the environment jzsd_nodes.py reads (JZSD, and
JZSD_DATABASE / JZS_NODES for PostgreSQL and several nodes). JZS_TRANSPORT=jzs1 runs the same
calls through the jzs/1 shim of jzs1.py (the gRPC-only tests are skipped), to check the tests.

Only the standard library's unittest, so nothing beyond the pinned requirements is needed.
"""

import threading
import time
import unittest

import grpc
from google.protobuf import descriptor_pool
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from grpc_status import rpc_status

from jzs.common.v1 import common_pb2
from jzs.enterprise.v1 import enterprise_pb2, enterprise_pb2_grpc
from jzs.individual.v1 import individual_pb2
from jzs.ministry.v1 import ministry_pb2
from jzs.provincial.v1 import provincial_pb2, provincial_pb2_grpc
from jzs.public.v1 import public_pb2, public_pb2_grpc

from jzs1 import Jzs1Channel, Jzs1Error
from jzsd_nodes import (OPERATOR, PNG, TRANSPORT, StockTestCase, channel, close, code_of, luhn31_credit_code,
                        shared)

JZS_SERVICES = ["jzs.enterprise.v1.Enterprise", "jzs.individual.v1.Individual", "jzs.ministry.v1.Ministry",
                "jzs.provincial.v1.Provincial", "jzs.public.v1.Public"]
# The generated modules that define the five services (their descriptors are the contract).
SERVICE_FILES = [enterprise_pb2, individual_pb2, ministry_pb2, provincial_pb2, public_pb2]


SERVER = None


def setUpModule():
    global SERVER
    SERVER = shared()


def violations(error):
    """(field, description) of each field violation: from google.rpc.BadRequest in
    grpc-status-details-bin on h2, from CallTrailers.violations on jzs/1."""
    if isinstance(error, Jzs1Error):
        return [(v.field, v.reason) for v in error.violations]
    status = rpc_status.from_call(error)
    if status is None:
        return []
    found = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found += [(v.field, v.description) for v in bad.field_violations]
    return found


class PublicServiceTests(StockTestCase):
    """Every method of jzs.public.v1.Public, anonymously."""

    @classmethod
    def setUpClass(cls):
        cls.channel = channel()
        cls.public = public_pb2_grpc.PublicStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        close(cls.channel)

    def test_every_public_method_answers(self):
        p = public_pb2
        # One call per method; a method added to the service without a row here fails the test.
        calls = {
            "Health": (p.HealthRequest(), lambda r: self.assertEqual(r.status, p.SERVING_STATUS_SERVING)),
            "ServerInfo": (p.ServerInfoRequest(), lambda r: (self.assertEqual(r.version.count("."), 2),
                                                              self.assertEqual(sorted(r.services), JZS_SERVICES),
                                                              self.assertEqual(r.max_frame_bytes, 4 * 1024 * 1024))),
            "ListServices": (p.ListServicesRequest(), lambda r: self.assertEqual(sorted(s.name for s in r.services), JZS_SERVICES)),
            "Echo": (p.EchoRequest(payload=b"\x00\xff", text="你好"), lambda r: (self.assertEqual(r.payload, b"\x00\xff"),
                                                                                 self.assertEqual(r.text, "你好"))),
            "EchoStream": (p.EchoStreamRequest(payload=b"hi", count=3),
                           lambda r: self.assertEqual([m.text for m in r], ["0", "1", "2"])),
            "WhoAmI": (p.WhoAmIRequest(), lambda r: (self.assertEqual(r.kind, common_pb2.CALLER_KIND_ANONYMOUS),
                                                     self.assertEqual(r.principal, "anonymous"))),
            "SendSmsCode": (p.SendSmsCodeRequest(phone="13900139000", purpose=p.SMS_PURPOSE_INDIVIDUAL_REGISTRATION),
                            lambda r: self.assertEqual(r.valid_seconds, 300)),
            "ListAnnouncements": (p.ListAnnouncementsRequest(limit=5), lambda r: self.assertEqual(len(r.announcements), 0)),
            "GetAnnouncement": (p.GetAnnouncementRequest(number="2026-1"), "NOT_FOUND"),
            "VerifyCertificate": (p.VerifyCertificateRequest(registration_number="鲁137212600001", holder_name="张三"), "NOT_FOUND"),
            "GetSigningKey": (p.GetSigningKeyRequest(), lambda r: self.assertIn("BEGIN PUBLIC KEY", r.public_key_pem)),
        }
        methods = public_pb2.DESCRIPTOR.services_by_name["Public"].methods
        self.assertEqual(sorted(calls), sorted(m.name for m in methods))
        for method in methods:
            request, check = calls[method.name]
            with self.subTest(method=method.name):
                fn = getattr(self.public, method.name)
                if isinstance(check, str):
                    self.assertFails(check, fn, request, timeout=10)
                elif method.server_streaming:
                    check(list(fn(request, timeout=10)))
                else:
                    check(fn(request, timeout=10))

    def test_request_id_is_echoed_in_the_trailers(self):
        self.requireGRPC()
        _, call = self.public.Echo.with_call(public_pb2.EchoRequest(text="x"), timeout=10,
                                             metadata=[("request-id", "py-req-1")])
        self.assertIn(("request-id", "py-req-1"), list(call.trailing_metadata()))

    def test_server_streaming_delivers_every_message_in_order(self):
        got = [m.text for m in self.public.EchoStream(public_pb2.EchoStreamRequest(payload=b"p", count=50), timeout=10)]
        self.assertEqual(got, [str(i) for i in range(50)])

    def test_unknown_method_is_unimplemented(self):
        self.requireGRPC()
        nope = self.channel.unary_unary("/jzs.public.v1.Public/NoSuchMethod",
                                        request_serializer=public_pb2.HealthRequest.SerializeToString,
                                        response_deserializer=public_pb2.HealthResponse.FromString)
        self.assertFails("UNIMPLEMENTED", nope, public_pb2.HealthRequest(), timeout=10)


class ErrorTests(StockTestCase):
    @classmethod
    def setUpClass(cls):
        cls.channel = channel()
        cls.public = public_pb2_grpc.PublicStub(cls.channel)
        cls.enterprise = enterprise_pb2_grpc.EnterpriseStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        close(cls.channel)

    def test_field_violation_decodes_as_bad_request(self):
        error = self.assertFails("INVALID_ARGUMENT", lambda: list(self.public.EchoStream(
            public_pb2.EchoStreamRequest(payload=b"hi", count=20000), timeout=10, metadata=[("accept-language", "en")])))
        self.assertEqual(violations(error), [("count", "must be at most 100")])
        if TRANSPORT == "h2":
            status = rpc_status.from_call(error)
            self.assertEqual(status.code, grpc.StatusCode.INVALID_ARGUMENT.value[0])
            self.assertEqual(status.message, error.details())
            self.assertEqual(error.details(), "count: must be at most 100")
            infos = [d for d in status.details if d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)]
            self.assertEqual(len(infos), 1)
            info = error_details_pb2.ErrorInfo()
            infos[0].Unpack(info)
            self.assertEqual((info.reason, info.domain), ("field.at_most", "jzs"))   # the message code (§8.6)

    def test_violations_of_a_request_in_chinese_by_default(self):
        error = self.assertFails("INVALID_ARGUMENT", self.enterprise.StartSignup, enterprise_pb2.StartSignupRequest(
            info=enterprise_pb2.EnterpriseBasicInfo(credit_code="91370100MA3C5YQ21X", name="", legal_representative="王五",
                                                    registered_address="济南市")), timeout=10)
        fields = dict(violations(error))
        self.assertIn("info.credit_code", fields)
        self.assertIn("info.name", fields)
        self.assertRegex(fields["info.name"], "[\u4e00-\u9fff]")   # the default language is Chinese

    def test_deadline_exceeded(self):
        started = time.monotonic()
        self.assertFails("DEADLINE_EXCEEDED", self.public.Echo, public_pb2.EchoRequest(text="late", delay_millis=5000),
                         timeout=0.4, metadata=[("request-id", "py-deadline")])
        self.assertLess(time.monotonic() - started, 3)
        # The server got the deadline (grpc-timeout) and ended the call there too, well before
        # the handler's 5 s: its DEADLINE_EXCEEDED, or the client's cancel racing it.
        line = SERVER.wait_for_log(r"request-id=py-deadline status=(DEADLINE_EXCEEDED|CANCELLED)\b[^\n]*? us=(\d+)")
        self.assertIsNotNone(line, "the server never ended the call")
        self.assertLess(int(line.group(2)), 3_000_000)

    def test_cancellation_reaches_the_server_and_the_connection_goes_on(self):
        self.requireGRPC()
        stream = self.public.EchoStream(public_pb2.EchoStreamRequest(payload=b"c", count=100, interval_millis=200),
                                        timeout=60, metadata=[("request-id", "py-cancel")])
        self.assertEqual(next(stream).text, "0")
        stream.cancel()
        self.assertFails("CANCELLED", lambda: list(stream))
        # The server's call ended as cancelled (its handler task was cancelled with it), long
        # before the 100 × 200 ms the stream would take.
        line = SERVER.wait_for_log(r"request-id=py-cancel status=CANCELLED\b[^\n]*? us=(\d+)")
        self.assertIsNotNone(line, "the server never saw the cancellation")
        self.assertLess(int(line.group(1)), 10_000_000)
        # The same channel (its HTTP/2 connection) keeps working.
        self.assertEqual(self.public.Health(public_pb2.HealthRequest(), timeout=10).status, public_pb2.SERVING_STATUS_SERVING)


class ProvinceTests(StockTestCase):
    """Province 37's client certificate, and a sign-up it authenticates for the enterprise tests."""

    @classmethod
    def setUpClass(cls):
        cls.channel37 = channel("province-37")
        cls.channel11 = channel("province-11")

    @classmethod
    def tearDownClass(cls):
        close(cls.channel37)
        close(cls.channel11)

    def test_whoami_with_province_37s_certificate(self):
        me = public_pb2_grpc.PublicStub(self.channel37).WhoAmI(public_pb2.WhoAmIRequest(), timeout=10, metadata=OPERATOR)
        self.assertEqual(me.kind, common_pb2.CALLER_KIND_PROVINCE)
        self.assertEqual(me.province_code, 37)
        self.assertEqual(me.principal, "jzs:province:37")
        self.assertEqual(me.province_name, "山东省")
        self.assertEqual(me.name, "reviewer-li")

    def test_a_chinese_operator_name_travels_as_operator_bin(self):
        # gRPC header values are ASCII; a Chinese name goes as `operator-bin` (grpcio base64-encodes
        # the bytes of a -bin entry) and reaches the call as the operator.
        self.requireGRPC()
        stub = public_pb2_grpc.PublicStub(self.channel37)
        me = stub.WhoAmI(public_pb2.WhoAmIRequest(), timeout=10, metadata=[("operator-bin", "审核员李".encode())])
        self.assertEqual(me.name, "审核员李")
        error = self.assertFails("INVALID_ARGUMENT", stub.WhoAmI, public_pb2.WhoAmIRequest(), timeout=10,
                                 metadata=[("operator-bin", b"\xff\xfe")])
        self.assertIn("metadata.operator-bin", [field for field, _ in violations(error)])

    def test_a_province_is_denied_another_provinces_data(self):
        enterprise = signed_up_enterprise()
        request = provincial_pb2.GetEnterpriseInfoRequest(enterprise_id=enterprise.enterprise_id)
        own = provincial_pb2_grpc.ProvincialStub(self.channel37).GetEnterpriseInfo(request, timeout=10)
        self.assertEqual(own.credit_code, enterprise.credit_code)
        other = provincial_pb2_grpc.ProvincialStub(self.channel11)
        self.assertFails("NOT_FOUND", other.GetEnterpriseInfo, request, timeout=10)
        self.assertFails("NOT_FOUND", other.AuthenticateSignup,
                         provincial_pb2.AuthenticateSignupRequest(enterprise_id=enterprise.enterprise_id),
                         timeout=10, metadata=OPERATOR)

    def test_an_anonymous_caller_may_not_call_the_provincial_service(self):
        anonymous = channel()
        try:
            stub = provincial_pb2_grpc.ProvincialStub(anonymous)
            self.assertFails("PERMISSION_DENIED", stub.ListPendingSignups, provincial_pb2.ListPendingSignupsRequest(),
                             timeout=10)
        finally:
            close(anonymous)

    def test_the_operator_is_required_and_reported_as_a_field_violation(self):
        stub = provincial_pb2_grpc.ProvincialStub(self.channel37)
        error = self.assertFails("INVALID_ARGUMENT", stub.AuthenticateSignup,
                                 provincial_pb2.AuthenticateSignupRequest(enterprise_id="0000000000000000"), timeout=10)
        self.assertEqual([f for f, _ in violations(error)], ["metadata.operator"])


class Enterprise:
    """One enterprise signed up on the server (on-site authentication by province 37)."""
    enterprise_id = ""
    credit_code = ""
    account = "py-admin"
    password = "Jzs-grpc-2026"


_ENTERPRISE = None
_ENTERPRISE_LOCK = threading.Lock()


def signed_up_enterprise():
    """Walks the sign-up wizard with stock stubs: step 1 to 5 anonymously with the draft token,
    then province 37 authenticates it on site; once per run."""
    global _ENTERPRISE
    with _ENTERPRISE_LOCK:
        if _ENTERPRISE:
            return _ENTERPRISE
        e = Enterprise()
        e.credit_code = luhn31_credit_code("91370100MA3PYGRPC")
        phone = "13700137042"
        anonymous = channel()
        province = channel("province-37")
        try:
            ent = enterprise_pb2_grpc.EnterpriseStub(anonymous)
            started = ent.StartSignup(enterprise_pb2.StartSignupRequest(info=enterprise_pb2.EnterpriseBasicInfo(
                credit_code=e.credit_code, name="济南标准客户端建设有限公司", legal_representative="王五",
                registered_address="济南市历下区")), timeout=10)
            e.enterprise_id, token = started.enterprise_id, started.draft_token
            uploaded = ent.UploadSignupAttachment(enterprise_pb2.UploadSignupAttachmentRequest(
                draft_token=token, kind=enterprise_pb2.ATTACHMENT_KIND_BUSINESS_LICENCE, content=PNG), timeout=10)
            assert uploaded.content_type == "image/png", uploaded
            ent.SetSignupAdministrator(enterprise_pb2.SetSignupAdministratorRequest(
                draft_token=token, name="赵六", account=e.account, password=e.password, password_again=e.password), timeout=30)
            public_pb2_grpc.PublicStub(anonymous).SendSmsCode(public_pb2.SendSmsCodeRequest(
                phone=phone, purpose=public_pb2.SMS_PURPOSE_ENTERPRISE_SIGNUP), timeout=10)
            ent.BindSignupContact(enterprise_pb2.BindSignupContactRequest(
                draft_token=token, email="it@jinan.example", phone=phone, sms_code=SERVER.sms_code(phone)), timeout=10)
            ent.RequestOnSiteAuthentication(enterprise_pb2.RequestOnSiteAuthenticationRequest(draft_token=token), timeout=10)
            provincial_pb2_grpc.ProvincialStub(province).AuthenticateSignup(
                provincial_pb2.AuthenticateSignupRequest(enterprise_id=e.enterprise_id), timeout=10, metadata=OPERATOR)
        finally:
            close(anonymous)
            close(province)
        _ENTERPRISE = e
        return e


class EnterpriseSessionTests(StockTestCase):
    """An enterprise user's calls with `authorization: Bearer <token>` metadata."""

    @classmethod
    def setUpClass(cls):
        cls.enterprise = signed_up_enterprise()
        cls.channel = channel()
        cls.stub = enterprise_pb2_grpc.EnterpriseStub(cls.channel)
        login = cls.stub.Login(enterprise_pb2.LoginRequest(account=cls.enterprise.account,
                                                           password=cls.enterprise.password), timeout=30)
        cls.bearer = [("authorization", f"Bearer {login.session_token}")]

    @classmethod
    def tearDownClass(cls):
        close(cls.channel)

    def test_whoami_with_a_bearer_token(self):
        me = public_pb2_grpc.PublicStub(self.channel).WhoAmI(public_pb2.WhoAmIRequest(), timeout=10, metadata=self.bearer)
        self.assertEqual(me.kind, common_pb2.CALLER_KIND_ENTERPRISE_USER)
        self.assertEqual(me.account, self.enterprise.account)
        self.assertEqual(me.province_code, 37)

    def test_an_enterprise_call_with_a_bearer_token(self):
        info = self.stub.GetEnterpriseInfo(enterprise_pb2.GetEnterpriseInfoRequest(), timeout=10, metadata=self.bearer)
        self.assertEqual(info.enterprise_id, self.enterprise.enterprise_id)
        self.assertEqual(info.credit_code, self.enterprise.credit_code)
        self.assertEqual(info.province_code, 37)
        home = self.stub.GetHome(enterprise_pb2.GetHomeRequest(), timeout=10, metadata=self.bearer)
        self.assertEqual(home.pending, 0)

    def test_without_or_with_a_wrong_token_the_call_is_unauthenticated(self):
        request = enterprise_pb2.GetEnterpriseInfoRequest()
        self.assertFails("UNAUTHENTICATED", self.stub.GetEnterpriseInfo, request, timeout=10)
        self.assertFails("UNAUTHENTICATED", self.stub.GetEnterpriseInfo, request, timeout=10,
                         metadata=[("authorization", "Bearer " + "0" * 64)])


class GRPCOnlyTestCase(StockTestCase):
    """Tests of the gRPC-only services, sharing one stock channel per class (none over jzs/1)."""

    @classmethod
    def setUpClass(cls):
        cls.channel = None if TRANSPORT != "h2" else channel()

    @classmethod
    def tearDownClass(cls):
        if cls.channel:
            close(cls.channel)


class HealthTests(GRPCOnlyTestCase):
    """grpc.health.v1.Health, as load balancers and grpc_health_probe call it."""

    def setUp(self):
        self.requireGRPC()
        self.health = health_pb2_grpc.HealthStub(self.channel)

    def test_check_the_server_and_each_service(self):
        for service in [""] + JZS_SERVICES:
            with self.subTest(service=service):
                answer = self.health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
                self.assertEqual(answer.status, health_pb2.HealthCheckResponse.SERVING)

    def test_check_an_unknown_service_is_not_found(self):
        self.assertFails("NOT_FOUND", self.health.Check, health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=10)

    def test_watch_sends_the_current_status_first(self):
        stream = self.health.Watch(health_pb2.HealthCheckRequest(service="jzs.public.v1.Public"), timeout=30)
        self.assertEqual(next(stream).status, health_pb2.HealthCheckResponse.SERVING)
        stream.cancel()
        unknown = self.health.Watch(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=30)
        self.assertEqual(next(unknown).status, health_pb2.HealthCheckResponse.SERVICE_UNKNOWN)
        unknown.cancel()


class ReflectionTests(GRPCOnlyTestCase):
    """Server reflection (v1alpha through grpcio-reflection's client, v1 through a raw stub of the
    wire-identical v1 service), serving the descriptors of every service."""

    def setUp(self):
        self.requireGRPC()

    def list_services(self, path):
        call = self.channel.stream_stream(path, request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                          response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
        answers = list(call(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10))
        self.assertEqual(len(answers), 1)
        return sorted(s.name for s in answers[0].list_services_response.service)

    def test_reflection_lists_every_service(self):
        v1alpha = self.list_services("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
        for name in JZS_SERVICES + ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                                    "grpc.reflection.v1alpha.ServerReflection"]:
            self.assertIn(name, v1alpha)
        self.assertEqual(self.list_services("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"), v1alpha)

    def test_reflection_describes_every_method_as_the_proto_files_do(self):
        pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(self.channel))
        listed = public_pb2_grpc.PublicStub(self.channel).ListServices(public_pb2.ListServicesRequest(), timeout=10)
        by_path = {m.path: m for s in listed.services for m in s.methods}
        seen = 0
        for module in SERVICE_FILES:
            for service in module.DESCRIPTOR.services_by_name.values():
                served = pool.FindServiceByName(service.full_name)
                self.assertEqual([m.name for m in served.methods], [m.name for m in service.methods])
                for ours, theirs in zip(service.methods, served.methods):
                    with self.subTest(method=ours.full_name):
                        self.assertEqual(theirs.input_type.full_name, ours.input_type.full_name)
                        self.assertEqual(theirs.output_type.full_name, ours.output_type.full_name)
                        self.assertEqual(theirs.server_streaming, ours.server_streaming)
                        self.assertFalse(theirs.client_streaming)
                        listing = by_path[f"/{service.full_name}/{ours.name}"]
                        self.assertEqual(listing.request_type, ours.input_type.full_name)
                        seen += 1
        self.assertEqual(seen, len(by_path))

    def test_a_message_found_by_reflection_decodes_an_answer(self):
        pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(self.channel))
        symbol = pool.FindMessageTypeByName("jzs.public.v1.WhoAmIResponse")
        self.assertEqual([f.name for f in symbol.fields][:4], ["kind", "province_code", "province_name", "principal"])


class SamePortTests(StockTestCase):
    """A jzs/1 client and a stock gRPC client on the same port at the same time."""

    def test_jzs1_and_h2_clients_at_once(self):
        self.requireGRPC()
        h2 = channel("province-37")
        jzs1 = Jzs1Channel("127.0.0.1", SERVER.port, SERVER.ca, *SERVER.identity("province-37"))
        try:
            # An h2 stream stays open (10 × 100 ms) while the jzs/1 connection makes its calls.
            stream = public_pb2_grpc.PublicStub(h2).EchoStream(
                public_pb2.EchoStreamRequest(payload=b"h2", count=10, interval_millis=100), timeout=30)
            self.assertEqual(next(stream).text, "0")
            over_jzs1 = public_pb2_grpc.PublicStub(jzs1)
            me = over_jzs1.WhoAmI(public_pb2.WhoAmIRequest(), timeout=10, metadata=OPERATOR)
            self.assertEqual((me.kind, me.province_code), (common_pb2.CALLER_KIND_PROVINCE, 37))
            self.assertEqual(over_jzs1.Echo(public_pb2.EchoRequest(text="jzs/1"), timeout=10).text, "jzs/1")
            info = over_jzs1.ServerInfo(public_pb2.ServerInfoRequest(), timeout=10)
            self.assertEqual(info.protocol, "jzs/1")
            self.assertEqual([m.text for m in stream], [str(i) for i in range(1, 10)])
            # Both transports describe the same methods.
            lists = [sorted(m.path for s in public_pb2_grpc.PublicStub(c).ListServices(
                public_pb2.ListServicesRequest(), timeout=10).services for m in s.methods) for c in (h2, jzs1)]
            self.assertEqual(lists[0], lists[1])
            # Many calls interleaved from two threads, one per transport.
            errors = []

            def hammer(stub, tag):
                try:
                    for i in range(50):
                        text = f"{tag}-{i}"
                        if stub.Echo(public_pb2.EchoRequest(text=text), timeout=10).text != text:
                            errors.append(text)
                except Exception as error:   # reported below with the thread's tag
                    errors.append(f"{tag}: {error!r}")

            threads = [threading.Thread(target=hammer, args=(public_pb2_grpc.PublicStub(h2), "h2")),
                       threading.Thread(target=hammer, args=(over_jzs1, "jzs1"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
        finally:
            h2.close()
            jzs1.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
