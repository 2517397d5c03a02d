"""Imports a home's model.py and builds its model class."""
from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from carrara.base import MODEL_BASES, DataFrameModel, TensorModel
from carrara.errors import ModelHomeError
from carrara.home import MODEL_FILE, ModelHome, read_home

# model.py is imported under this name so that `import model` from a sibling and pickles of classes
# defined in model.py (saved from a script that imported it as `model`) find it.
MODEL_MODULE_NAME = "model"


@dataclass(frozen=True)
class LoadedModel:
    """A checked home with its model built and ready to predict."""

    home: ModelHome
    model: Any
    model_class: Any

    @property
    def predict_location(self) -> str:
        """`model.py:LINE` of the predict method, to point at in a contract error."""
        line = _definition_line(getattr(self.model_class, "predict", None))
        return f"{MODEL_FILE}:{line}" if line else MODEL_FILE


def load_model(home) -> LoadedModel:
    """Reads the home, imports model.py and builds its model through `load(home)`.
    Raises ModelHomeError naming what failed, where, and what to do."""
    model_home = read_home(home)
    module = _import_model_file(model_home.model_file)
    model_class = _find_model_class(module, model_home)
    try:
        model = model_class.load(model_home.path)
    except (Exception, SystemExit) as error:  # a model calling sys.exit() while loading is a load failure too
        raise ModelHomeError(f"{model_home.model_file}: {model_class.__name__}.load(home) raised "
                             f"{describe_exception(error, model_home.model_file)}") from error
    return LoadedModel(home=model_home, model=model, model_class=model_class)


def describe_exception(error: BaseException, model_file: Path) -> str:
    """`TYPE at model.py:LINE: MESSAGE`, the location first so that a truncated message keeps it."""
    location = last_model_frame(error, model_file)
    error_type = type(error)
    type_name = error_type.__qualname__ if error_type.__module__ == "builtins" else f"{error_type.__module__}.{error_type.__qualname__}"
    where = f" at {location}" if location else ""
    return f"{type_name}{where}: {error}"


def last_model_frame(error: BaseException, model_file: Path) -> Optional[str]:
    """The last frame of the traceback inside model.py, as `model.py:LINE`."""
    model_file = model_file.resolve()
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if _same_file(frame.filename, model_file):
            line = frame.lineno
    if line is None and isinstance(error, SyntaxError) and error.filename and _same_file(error.filename, model_file):
        line = error.lineno
    return f"{MODEL_FILE}:{line}" if line is not None else None


def _same_file(filename: str, model_file: Path) -> bool:
    try:
        return Path(filename).resolve() == model_file
    except (OSError, ValueError):
        return False


def _import_model_file(model_file: Path):
    home = str(model_file.parent)
    # model.py may import its siblings (features.py, a vendored package) by plain name.
    if home not in sys.path:
        sys.path.insert(0, home)
    spec = importlib.util.spec_from_file_location(MODEL_MODULE_NAME, model_file)
    if spec is None or spec.loader is None:
        raise ModelHomeError(f"{model_file}: Python cannot load it as a module; it must be a .py file")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(MODEL_MODULE_NAME)
    sys.modules[MODEL_MODULE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        _restore(previous)
        line = error.lineno if error.lineno is not None else "?"
        raise ModelHomeError(f"{model_file}: syntax error at {MODEL_FILE}:{line}: {error.msg}; fix {MODEL_FILE}") from None
    except ImportError as error:
        _restore(previous)
        location = last_model_frame(error, model_file) or MODEL_FILE
        raise ModelHomeError(f"{model_file}: import failed at {location}: {type(error).__name__}: {error}; "
                             f"add the missing package to requirements.txt (pinned with ==) or put the module next to {MODEL_FILE}") from error
    except (Exception, SystemExit) as error:
        _restore(previous)
        raise ModelHomeError(f"{model_file}: importing it raised {describe_exception(error, model_file)}") from error
    return module


def _restore(previous) -> None:
    if previous is None:
        sys.modules.pop(MODEL_MODULE_NAME, None)
    else:
        sys.modules[MODEL_MODULE_NAME] = previous


def _find_model_class(module, model_home: ModelHome) -> Any:
    # Only classes defined in model.py count: one imported from a library or a sibling is not the model.
    found = [value for value in vars(module).values()
             if inspect.isclass(value) and issubclass(value, (DataFrameModel, TensorModel))
             and value.__module__ == module.__name__ and not inspect.isabstract(value)]
    wanted = MODEL_BASES[model_home.kind]
    model_file = model_home.model_file
    if not found:
        abstract = [value.__name__ for value in vars(module).values()
                    if inspect.isclass(value) and issubclass(value, (DataFrameModel, TensorModel))
                    and value.__module__ == module.__name__]
        hint = (f" ({', '.join(abstract)} derive from it but do not define predict)" if abstract else "")
        raise ModelHomeError(f"{model_file}: defines no class deriving from carrara.DataFrameModel or "
                             f"carrara.TensorModel{hint}; define one class deriving from carrara.{wanted.__name__} "
                             f"(carrara.yaml declares kind: {model_home.kind}) with a predict method")
    if len(found) > 1:
        names = ", ".join(f"{value.__name__} ({MODEL_FILE}:{_definition_line(value) or '?'})" for value in found)
        raise ModelHomeError(f"{model_file}: defines {len(found)} model classes: {names}; keep exactly one "
                             f"(move helpers that are not the model into another file or stop deriving them from carrara)")
    model_class = found[0]
    if not issubclass(model_class, wanted):
        actual = "DataFrameModel" if issubclass(model_class, DataFrameModel) else "TensorModel"
        raise ModelHomeError(f"{model_file}: {model_class.__name__} derives from carrara.{actual} but carrara.yaml "
                             f"declares kind: {model_home.kind}; derive it from carrara.{wanted.__name__} or change kind")
    return model_class


def _definition_line(target) -> Optional[int]:
    try:
        return inspect.getsourcelines(target)[1]
    except (OSError, TypeError):
        return None
