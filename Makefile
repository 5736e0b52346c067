# Keeptrusts — `make run` for the whole product on the embedded default, `make test` for the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test venv migrate seed lint-examples accuracy classifiers clean

run: $(STAMP)
	@$(BIN)/python scripts/run.py

test: $(STAMP)
	@bash scripts/test.sh

venv: $(STAMP)

# Reinstall whenever the dependency list changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

migrate: $(STAMP)
	@$(BIN)/python manage.py migrate --noinput

seed: migrate
	@$(BIN)/python manage.py seed_demo

lint-examples: $(STAMP)
	@for f in examples/*.yaml; do $(BIN)/kt policy lint --file $$f || exit 1; done

clean:
	rm -rf $(VENV) .keeptrusts staticfiles .pytest_cache

# Regenerate the accuracy table in docs/policies.md from tests/policy/data/.
accuracy: $(STAMP)
	@$(BIN)/python bench/accuracy.py --write

# Retrain the prompt-injection and content-filter classifiers (keeptrusts/data/classifiers.json.gz)
# from tests/policy/data/ (cross-validated; see docs/policies.md#accuracy). Needs scikit-learn,
# a training-only dependency that the product never imports. C 100 is what cross-validation chose;
# without --C the script searches C_GRID (twice as long).
classifiers: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e '.[train]'
	@$(BIN)/python scripts/train_classifiers.py --C 100 --write
