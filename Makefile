# jzs — two set-up commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
DATA ?= .jzs-data
LISTEN ?= 127.0.0.1:7443
# What building and serving need (`make run`): the protocol, TLS, SQLite, libpq (the PostgreSQL
# engine is part of every build), and `jzs cert render` (cairo PDF, a CJK font, QR codes).
APT_PACKAGES := libprotobuf-c-dev protobuf-c-compiler libssl-dev libsqlite3-dev pkg-config libpq-dev \
  libcairo2-dev libfontconfig-dev libqrencode-dev fonts-wqy-zenhei
# What the tests add (`make test`): the PDF read back (pdftotext, pdftoppm, zbarimg), the Python
# the stock gRPC client tests run in (a virtual environment with grpcio from PyPI,
# Tests/grpc-python), and Debian's PostgreSQL server, whichever version the release ships (the
# tests start throw-away clusters with initdb and pg_ctl from /usr/lib/postgresql/<newest>/bin).
APT_TEST_PACKAGES := poppler-utils zbar-tools python3 python3-venv postgresql

.PHONY: deps test-deps build release run test grpc-stock-test sanitize fuzz fuzz-smoke generate check-generated bench bench-grpc-cpp demo clean

# Installs the Debian packages the build needs (deps) and the tests too (test-deps), when missing.
deps:
	@./scripts/apt-install $(APT_PACKAGES)

test-deps:
	@./scripts/apt-install $(APT_PACKAGES) $(APT_TEST_PACKAGES)

build: deps
	swift build

release: deps
	swift build -c release

# Serves on $(LISTEN) with the data directory $(DATA); initialises it on first start.
run: release
	@[ -f "$(DATA)/jzsd.json" ] || .build/release/jzsd init --data "$(DATA)"
	.build/release/jzsd serve --data "$(DATA)" --listen "$(LISTEN)"

generate: deps
	./scripts/generate-proto

# Fails when the committed generated code differs from what proto/ generates.
check-generated: deps
	./scripts/generate-proto
	@git diff --exit-code -- Sources/Proto/C Sources/Proto/Swift/Generated || { echo "generated code is stale: run make generate and commit"; exit 1; }
	@[ -z "$$(git status --porcelain --untracked-files=all -- Sources/Proto/C Sources/Proto/Swift/Generated)" ] || { echo "generated files not committed"; exit 1; }

# The end-to-end suites whose servers run on PostgreSQL the second time (JZS_TEST_ENGINE, TestServer):
# the ones that reach tables only through the server. The store contracts run on both engines always.
# Then the route and the isolation suites with two in-process nodes on one PostgreSQL database, each
# client (and CLI run) connecting to the next node in turn.
TWO_NODE_SUITES := RouteTests/(fullRoute|refusals|documents\(|corpsNumbers)|IsolationTests
POSTGRES_SUITES := RouteTests/(fullRoute|refusals|documents\(|corpsNumbers|documentLimits)|IsolationTests|CertificateTests|CLIEndToEndTests|CLIChineseInputTests|IdentityTests|BatchClientTests|EnterpriseBatchTests|CLIConfirmationTests|CLISignupScreensTests|CLILanguageTests|CLIFailureTests|IndividualTests|ReviewerDisclosureTests|SignupEndToEndTests|SignupScreensEndToEndTests|SourceLimitTests|CertificateRenderTests|CertificateIssueTests

# Every test on the debug build (store contracts on SQLite and PostgreSQL), the end-to-end suites
# above again with their servers on PostgreSQL, then the response-integrity and hostile-client suites against
# a release jzsd (the optimiser exposes memory errors the debug build hides).
test: test-deps check-generated
	swift build --build-tests
	swift test --skip-build 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	JZS_TEST_ENGINE=postgresql swift test --skip-build --filter '$(POSTGRES_SUITES)' 2>&1 | tee .build/test-postgresql.log; exit $${PIPESTATUS[0]}
	JZS_TEST_ENGINE=postgresql JZS_TEST_NODES=2 swift test --skip-build --filter '$(TWO_NODE_SUITES)' 2>&1 | tee .build/test-two-nodes.log; exit $${PIPESTATUS[0]}
	swift build -c release --product jzsd
	JZS_BIN_DIR=.build/release swift test --skip-build --filter 'ResponseIntegrityTests|HostileClientTests' 2>&1 | tee .build/test-release.log; exit $${PIPESTATUS[0]}
	./scripts/grpc-stock-tests .build/release 2>&1 | tee .build/test-grpc.log; exit $${PIPESTATUS[0]}
	./scripts/grpc-stock-tests-postgresql .build/release 2>&1 | tee .build/test-grpc-postgresql.log; exit $${PIPESTATUS[0]}

# A stock gRPC client (Python grpcio with stubs generated from proto/, Tests/grpc-python) against the
# release jzsd over h2: every public method, certificates, bearer tokens, status details, health,
# reflection, deadlines, cancellation, and a jzs/1 client on the same port. The virtual
# environment (.build/grpc-venv) is made once and rebuilt only when Tests/grpc-python/requirements.txt
# changes.
grpc-stock-test: test-deps
	swift build -c release --product jzsd
	./scripts/grpc-stock-tests .build/release

# ASan (release, every test) and TSan (concurrent suites) runs; see scripts/sanitize.
sanitize: test-deps
	./scripts/sanitize

# libFuzzer runs of the fuzz targets (frames, tls, messages; FuzzTesting/README.md): 5 min
# each, or 30 s each for the smoke run. Crashers land in FuzzTesting/Regressions/.
fuzz: deps
	./scripts/fuzz 300

fuzz-smoke: deps
	./scripts/fuzz 30

bench: release
	./scripts/bench

# gRPC C++ (Debian's 1.51) beside jzsd in the same run, for issue #11's comparison (docs/PERFORMANCE.md).
bench-grpc-cpp: release
	./scripts/bench-grpc-cpp

# Walks a fresh server through sign-up, provincial authentication and accounts (scripts/demo).
demo: build
	./scripts/demo .build/debug

clean:
	rm -rf .build
