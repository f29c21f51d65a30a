"""The package's public names resolve on first use, and the query workers and ``smartkg serve``
start without loading the validation stack (pySHACL, rdflib's SPARQL engine)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import smartkg


def test_the_public_names_are_the_lazily_imported_ones() -> None:
    assert sorted(smartkg.__all__) == sorted([*smartkg._HOME_OF, "__version__"])


@pytest.mark.parametrize("name", smartkg.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(smartkg, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        smartkg.nonsense  # noqa: B018


@pytest.mark.parametrize("module", ["smartkg.server.worker", "smartkg.server"])
def test_serving_does_not_import_the_validator(module: str) -> None:
    probe = (
        f"import sys, {module}; "
        "print('pyshacl' in sys.modules, 'smartkg.validation' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]
