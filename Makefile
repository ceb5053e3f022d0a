# awsmfa — make build | test | demo | bench | fuzz
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
# Static, stripped, without urfave/cli's markdown docs: every one of these
# shortens start-up, which the cache-hit path of `awsmfa env` is made of.
BUILD   := CGO_ENABLED=0 $(GO) build -trimpath -tags urfave_cli_no_docs -ldflags '-s -w -X main.version=$(VERSION)'
# -race needs cgo and a C compiler; a machine with only Go runs without it.
RACE    := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1 && echo -race)
FUZZTIME ?= 20s

.PHONY: build test vet cross demo bench fuzz clean

build:
	$(BUILD) -o bin/awsmfa ./cmd/awsmfa
	$(BUILD) -o bin/awsmfa-keyring ./cmd/awsmfa-keyring
	$(BUILD) -o bin/stsemu ./cmd/stsemu

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

cross:
	GOOS=darwin GOARCH=arm64 $(BUILD) -o /dev/null ./cmd/awsmfa
	GOOS=windows GOARCH=amd64 $(BUILD) -o /dev/null ./cmd/awsmfa
	GOOS=linux GOARCH=arm64 $(BUILD) -o /dev/null ./cmd/awsmfa
	GOOS=darwin GOARCH=arm64 $(BUILD) -o /dev/null ./cmd/awsmfa-keyring
	GOOS=windows GOARCH=amd64 $(BUILD) -o /dev/null ./cmd/awsmfa-keyring
	GOOS=linux GOARCH=arm64 $(BUILD) -o /dev/null ./cmd/awsmfa-keyring

test: vet cross
	$(GO) test $(RACE) -timeout 20m ./...
	# The portable scanner that non-amd64 platforms use, on this machine too.
	$(GO) test -tags purego ./internal/awsini

demo: build
	@bash scripts/demo.sh

bench: build
	@bash scripts/bench.sh

# Each fuzz target for a short while (CI runs this); the committed seed
# corpora under */testdata/fuzz run with every `make test`.
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
