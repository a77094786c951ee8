"""The whole registration route, driven from outside by stock grpcio with stubs generated from
proto/ (issue #10's acceptance): individual → enterprise → province → ministry → 公告 → certificate,
then 增项, 变更 to another province, 注销 and 重新注册.

scripts/grpc-stock-tests runs it against one jzsd on SQLite; scripts/grpc-stock-tests-postgresql
against one jzsd on PostgreSQL and then two jzsd processes on one PostgreSQL, every channel
balancing its calls over both (jzsd_nodes.py), so one step's write is read back by the next call on
the other node: sessions, SMS codes, idempotency records, serials and the audit chain are shared.
"""

import base64
import datetime
import json
import re
import unittest
import uuid

import grpc

from jzs.common.v1 import application_pb2, common_pb2
from jzs.enterprise.v1 import enterprise_pb2, enterprise_pb2_grpc
from jzs.individual.v1 import individual_pb2, individual_pb2_grpc
from jzs.ministry.v1 import ministry_pb2, ministry_pb2_grpc
from jzs.provincial.v1 import provincial_pb2, provincial_pb2_grpc
from jzs.public.v1 import public_pb2, public_pb2_grpc

from jzsd_nodes import OPERATOR, PNG, TRANSPORT, StockTestCase, channel, id_number, luhn31_credit_code, shared

A = application_pb2
T = 10   # seconds: the deadline of every call


def request_ids(prefix):
    """Metadata naming the call in the server's `call` log lines (`request-id=...`)."""
    return [("request-id", f"{prefix}-{uuid.uuid4().hex[:12]}")]


class Caller:
    """A channel and the stubs of every service, with the metadata every call of this caller
    carries (a bearer token, the operator)."""

    def __init__(self, identity=None, metadata=()):
        self.channel = channel(identity)
        self.metadata = list(metadata)
        self.public = public_pb2_grpc.PublicStub(self.channel)
        self.individual = individual_pb2_grpc.IndividualStub(self.channel)
        self.enterprise = enterprise_pb2_grpc.EnterpriseStub(self.channel)
        self.provincial = provincial_pb2_grpc.ProvincialStub(self.channel)
        self.ministry = ministry_pb2_grpc.MinistryStub(self.channel)

    def call(self, method, request, metadata=()):
        return method(request, timeout=T, metadata=self.metadata + list(metadata) + request_ids("py-route"))

    def close(self):
        self.channel.close()


def sign_up(anonymous, province, credit_code, name, account, phone):
    """The five sign-up steps with the draft token, then on-site authentication by `province`;
    returns the administrator's password."""
    password = "Route-Pass1"
    started = anonymous.call(anonymous.enterprise.StartSignup, enterprise_pb2.StartSignupRequest(
        info=enterprise_pb2.EnterpriseBasicInfo(credit_code=credit_code, name=name, legal_representative="王五",
                                                registered_address="地址")))
    token = started.draft_token
    anonymous.call(anonymous.enterprise.UploadSignupAttachment, enterprise_pb2.UploadSignupAttachmentRequest(
        draft_token=token, kind=enterprise_pb2.ATTACHMENT_KIND_BUSINESS_LICENCE, content=PNG))
    anonymous.call(anonymous.enterprise.SetSignupAdministrator, enterprise_pb2.SetSignupAdministratorRequest(
        draft_token=token, name="赵六", account=account, password=password, password_again=password))
    anonymous.call(anonymous.public.SendSmsCode, public_pb2.SendSmsCodeRequest(
        phone=phone, purpose=public_pb2.SMS_PURPOSE_ENTERPRISE_SIGNUP))
    anonymous.call(anonymous.enterprise.BindSignupContact, enterprise_pb2.BindSignupContactRequest(
        draft_token=token, email="it@example.cn", phone=phone, sms_code=shared().sms_code(phone)))
    anonymous.call(anonymous.enterprise.RequestOnSiteAuthentication,
                   enterprise_pb2.RequestOnSiteAuthenticationRequest(draft_token=token))
    province.call(province.provincial.AuthenticateSignup,
                  provincial_pb2.AuthenticateSignupRequest(enterprise_id=started.enterprise_id))
    return password


def bearer(token):
    return [("authorization", f"Bearer {token}")]


class RouteTests(StockTestCase):
    """Every step a person, two enterprises, two provinces and the ministry take, in order."""

    @classmethod
    def setUpClass(cls):
        cls.server = shared()
        cls.anonymous = Caller()
        cls.province37 = Caller("province-37", OPERATOR)
        cls.province11 = Caller("province-11", OPERATOR)
        cls.ministry = Caller("ministry", OPERATOR)
        cls.code_a = luhn31_credit_code("91370100MA3PRWUTE")
        cls.code_b = luhn31_credit_code("91110100MA3PRWUTE")
        password_a = sign_up(cls.anonymous, cls.province37, cls.code_a, "山东路线建设有限公司", "route-a", "13700137101")
        password_b = sign_up(cls.anonymous, cls.province11, cls.code_b, "北京路线建设有限公司", "route-b", "13700137102")
        login = cls.anonymous.enterprise.Login
        cls.enterprise_a = Caller(metadata=bearer(cls.anonymous.call(login, enterprise_pb2.LoginRequest(
            account="route-a", password=password_a)).session_token))
        cls.enterprise_b = Caller(metadata=bearer(cls.anonymous.call(login, enterprise_pb2.LoginRequest(
            account="route-b", password=password_b)).session_token))
        # The person: an account made with an SMS code, then a session.
        cls.id_number = id_number("11010519900307031")
        phone = "13800138101"
        cls.anonymous.call(cls.anonymous.public.SendSmsCode, public_pb2.SendSmsCodeRequest(
            phone=phone, purpose=public_pb2.SMS_PURPOSE_INDIVIDUAL_REGISTRATION))
        cls.anonymous.call(cls.anonymous.individual.CreateAccount, individual_pb2.CreateAccountRequest(
            id_number=cls.id_number, name="李四", phone=phone, password="Good-Pass1", password_again="Good-Pass1",
            sms_code=cls.server.sms_code(phone)))
        token = cls.anonymous.call(cls.anonymous.individual.Login, individual_pb2.LoginRequest(
            id_number=cls.id_number, password="Good-Pass1")).session_token
        cls.person = Caller(metadata=bearer(token))

    @classmethod
    def tearDownClass(cls):
        for caller in (cls.anonymous, cls.province37, cls.province11, cls.ministry, cls.enterprise_a,
                       cls.enterprise_b, cls.person):
            caller.close()

    def draft(self, kind, specialties, employer):
        end = datetime.date.today() + datetime.timedelta(days=3 * 365)   # (replace(year=…) fails on 29 February)
        return A.ApplicationDraft(type=kind, specialties=specialties, employer_credit_code=employer,
                                  qualification_certificate_no="Q0012345", qualification_date="2021-09-20",
                                  contract_start="2025-01-01", contract_end=end.isoformat())

    def submit(self, kind, specialties, employer):
        return self.person.call(self.person.individual.SubmitApplication,
                                individual_pb2.SubmitApplicationRequest(draft=self.draft(kind, specialties, employer)))

    def report(self, enterprise, application_id):
        return enterprise.call(enterprise.enterprise.ReportApplication, enterprise_pb2.ReportApplicationRequest(
            application_id=application_id, accept_commitment=True))

    def accept(self, province, application_id):
        return province.call(province.provincial.AcceptApplication,
                             provincial_pb2.DecideApplicationRequest(application_id=application_id))

    def decide(self, application_id, approve=True, key=None):
        """One ministry decision with an idempotency key; returns the item's result."""
        answer = self.ministry.call(self.ministry.ministry.DecideApplications, ministry_pb2.DecideApplicationsRequest(
            decisions=[ministry_pb2.Decision(application_id=application_id, approve=approve)]),
            metadata=[("idempotency-key", key or str(uuid.uuid4()))])
        self.assertEqual((answer.applied, answer.failed), (1, 0), answer)
        return answer.results[0]

    def announce(self, title):
        return self.ministry.call(self.ministry.ministry.Announce, ministry_pb2.AnnounceRequest(title=title),
                                  metadata=[("idempotency-key", str(uuid.uuid4()))])

    def staff(self, enterprise):
        return list(enterprise.call(enterprise.enterprise.ListRegisteredStaff,
                                    enterprise_pb2.ListRegisteredStaffRequest()).staff)

    def certificate(self):
        """The holder's current certificate: the signed document inside the downloaded file."""
        file = self.person.call(self.person.individual.DownloadCertificate,
                                individual_pb2.DownloadCertificateRequest()).file
        return json.loads(base64.b64decode(json.loads(file)["payload"]))

    def test_the_whole_route(self):
        # 初始注册: returned by the enterprise, resubmitted; returned by the province, resubmitted.
        app = self.submit(A.REGISTRATION_TYPE_INITIAL, ["建筑工程"], self.code_a)
        self.assertEqual(app.status, A.APPLICATION_STATUS_AWAITING_ENTERPRISE)
        self.enterprise_a.call(self.enterprise_a.enterprise.ReturnApplication, enterprise_pb2.ReturnApplicationRequest(
            application_id=app.application_id, reason="合同日期有误"))
        resubmit = self.person.individual.ResubmitApplication
        app = self.person.call(resubmit, individual_pb2.ResubmitApplicationRequest(
            application_id=app.application_id, draft=self.draft(A.REGISTRATION_TYPE_INITIAL, ["建筑工程"], self.code_a)))
        self.report(self.enterprise_a, app.application_id)
        # Province 11 sees nothing of province 37's.
        others = self.province11.call(self.province11.provincial.ListApplications, A.ApplicationQuery())
        self.assertEqual(list(others.applications), [])
        self.assertFails("NOT_FOUND", self.accept, self.province11, app.application_id)
        returned = self.province37.call(self.province37.provincial.ReturnApplication, provincial_pb2.DecideApplicationRequest(
            application_id=app.application_id, reason="资格证书编号模糊"))
        self.assertEqual(returned.status, A.APPLICATION_STATUS_RETURNED)
        self.person.call(resubmit, individual_pb2.ResubmitApplicationRequest(
            application_id=app.application_id, draft=self.draft(A.REGISTRATION_TYPE_INITIAL, ["建筑工程"], self.code_a)))
        self.report(self.enterprise_a, app.application_id)
        self.assertEqual(self.accept(self.province37, app.application_id).status, A.APPLICATION_STATUS_AWAITING_MINISTRY)

        # The ministry approves; a retry with the same key (on whichever node) answers the same, once.
        key = str(uuid.uuid4())
        approved = self.decide(app.application_id, key=key)
        self.assertEqual(approved.status, A.APPLICATION_STATUS_AWAITING_ANNOUNCEMENT)
        number = approved.registration_number
        self.assertTrue(re.fullmatch(r"鲁137\d{2}\d{2}\d{5}", number), number)
        self.assertEqual(self.decide(app.application_id, key=key).registration_number, number)

        # The 公告: published, read anonymously, the application completed, the staff listed, the
        # certificate issued with it and verifiable by anyone.
        announcement = self.announce("2026年第一批一级建造师初始注册公告")
        self.assertEqual(announcement.item_count, 1)
        published = self.anonymous.call(self.anonymous.public.GetAnnouncement,
                                        public_pb2.GetAnnouncementRequest(number=announcement.number))
        self.assertEqual([item.registration_number for item in published.items], [number])
        got = self.person.call(self.person.individual.GetApplication,
                               individual_pb2.GetApplicationRequest(application_id=app.application_id))
        self.assertEqual(got.status, A.APPLICATION_STATUS_COMPLETED)
        self.assertEqual([s.registration_number for s in self.staff(self.enterprise_a)], [number])
        document = self.certificate()
        self.assertEqual((document["registration_number"], document["holder"], document["version"]), (number, "李四", 1))
        verified = self.anonymous.call(self.anonymous.public.VerifyCertificate,
                                       public_pb2.VerifyCertificateRequest(certificate_id=document["certificate_id"]))
        self.assertEqual((verified.status, verified.version), (A.CERTIFICATE_STATUS_VALID, 1))

        # 增项注册 skips the enterprise.
        add = self.submit(A.REGISTRATION_TYPE_ADD_SPECIALTY, ["市政公用工程"], self.code_a)
        self.assertEqual(add.status, A.APPLICATION_STATUS_AWAITING_PROVINCE)
        self.accept(self.province37, add.application_id)
        self.decide(add.application_id)
        self.announce("增项注册公告")
        specialties = {s.specialty for s in self.staff(self.enterprise_a)[0].specialties}
        self.assertEqual(specialties, {"建筑工程", "市政公用工程"})
        self.assertEqual(self.certificate()["version"], 2)

        # 变更注册 to enterprise B in Beijing: Beijing's now; no 公告; the number follows the province.
        change = self.submit(A.REGISTRATION_TYPE_CHANGE, [], self.code_b)
        self.report(self.enterprise_b, change.application_id)
        self.assertEqual(list(self.province37.call(self.province37.provincial.ListApplications,
                                                   A.ApplicationQuery()).applications), [])
        self.accept(self.province11, change.application_id)
        moved = self.decide(change.application_id)
        self.assertEqual(moved.status, A.APPLICATION_STATUS_COMPLETED)
        self.assertEqual(moved.registration_number, "京" + number[1:])
        self.assertEqual(self.staff(self.enterprise_a), [])
        self.assertEqual([s.registration_number for s in self.staff(self.enterprise_b)], [moved.registration_number])

        # 注销, then 重新注册 with a new number.
        cancel = self.submit(A.REGISTRATION_TYPE_CANCELLATION, [], self.code_b)
        self.report(self.enterprise_b, cancel.application_id)
        self.accept(self.province11, cancel.application_id)
        self.assertEqual(self.decide(cancel.application_id).status, A.APPLICATION_STATUS_COMPLETED)
        self.assertEqual(self.staff(self.enterprise_b), [])
        again = self.submit(A.REGISTRATION_TYPE_RE_REGISTRATION, ["建筑工程"], self.code_b)
        self.report(self.enterprise_b, again.application_id)
        self.accept(self.province11, again.application_id)
        fresh = self.decide(again.application_id)
        self.assertTrue(fresh.registration_number.startswith("京111"), fresh.registration_number)
        self.assertNotEqual(fresh.registration_number, moved.registration_number)
        self.announce("重新注册公告")
        stats = self.ministry.call(self.ministry.ministry.GetStatistics, ministry_pb2.GetStatisticsRequest())
        self.assertEqual(stats.total, 5)

        # With several nodes, both served the route's calls.
        if len(self.server.nodes) > 1:
            for node in self.server.nodes:
                served = re.findall(r"request-id=py-route-\w+ status=OK", node.log())
                self.assertGreater(len(served), 10, f"node on port {node.port} served {len(served)} route calls")


if __name__ == "__main__":
    unittest.main(verbosity=2)
