# Masthead — the commands a newcomer and CI run. `make serve`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Silence Material's "MkDocs 2 / end of life" banner in our own commands.
export NO_MKDOCS_2_WARNING := 1
N ?= 1000
IMAGES ?= 1000

.PHONY: install serve build test lint typecheck unit bench bench-related bench-search bench-images bench-publish clean

install: $(STAMP)

$(STAMP): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Test tools from npm: the Nu Html Checker (vnu.jar), axe-core, Lighthouse.
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "npm not found: the validator and accessibility tests will fail"; fi
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict

lint: $(STAMP)
	$(BIN)/ruff check

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

# `make bench` (N=1000) or `make bench N=10000` (minutes; run it in the background). See bench/run.py.
bench: $(STAMP) $(VENV)/.bench
	$(BIN)/python bench/run.py --articles $(N)

# bench/'s own dependencies (pyproject's "bench" extra), beside the dev install.
$(VENV)/.bench: pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

# Related stories: tags-hidden Masthead vs plain TF-IDF vs with tags, on the sample and on 18F.
CORPUS_18F ?= ../shared/corpora/18f-posts/content/posts
bench-related: $(STAMP) $(VENV)/.bench
	$(BIN)/python bench/related_eval.py --config mkdocs.yml --jekyll $(CORPUS_18F)

# Search: Pagefind index time and size, bytes per query in Chromium, Material's lunr index size.
bench-search: $(STAMP)
	$(BIN)/python bench/search_size.py --articles $(N)

# The image pipeline cold and warm on IMAGES pictures, and the sample's front page bytes on a phone
# with and without it (bench/images.py). Minutes for 1 000 images on two cores.
bench-images: $(STAMP)
	$(BIN)/python bench/images.py --images $(IMAGES)

# The publish workflow replayed on N stories with one new story and warm caches (bench/publish.py).
bench-publish: $(STAMP)
	$(BIN)/python bench/publish.py --articles $(N)

clean:
	rm -rf site .cache tests-output node_modules
