"""Argument checks before a plot, with wandb's behaviour: a failed check prints an error that names
the argument and the fix, and the plot is skipped (the training script goes on, as with wandb)."""

from __future__ import annotations

from typing import Any

_ARRAYS = ("X", "X_test", "X_train", "y", "y_test", "y_train", "y_true", "y_pred", "y_probas")


def _error(plot: str, message: str) -> None:
    import trackwell

    trackwell.termerror(f"wandb.sklearn.{plot}: {message}; the plot is skipped")


def missing(plot: str, **kwargs: Any) -> bool:
    """True when every argument is given, and feature matrices hold numbers only (no NaN)."""
    import numpy as np

    ok = True
    for name, value in kwargs.items():
        if value is None:
            _error(plot, f"{name} is None: pass it")
            ok = False
            continue
        if name not in ("X", "X_test", "X_train"):
            continue
        array = _dense(value)
        if array.dtype.kind not in "biuf":
            if array.dtype.kind != "O" or not all(_is_number(v) for v in array.ravel()):
                _error(plot, f"{name} holds values that are not numbers: label- or one-hot-encode them")
                ok = False
                continue
            array = array.astype(np.float64)
        nans = int(np.count_nonzero(np.isnan(array))) if array.dtype.kind == "f" else 0
        if nans:
            _error(plot, f"{name} has {nans} missing values: impute or drop them")
            ok = False
    return ok


def types(plot: str, **kwargs: Any) -> bool:
    """True when arrays are array-like and estimators are of the kind the plot needs."""
    from sklearn import base

    ok = True
    for name, value in kwargs.items():
        if name in _ARRAYS and not hasattr(value, "__len__") and not hasattr(value, "shape"):
            _error(plot, f"{name} is a {type(value).__name__}, not an array: pass a list or numpy array")
            ok = False
        elif name == "model" and not (base.is_classifier(value) or base.is_regressor(value)):
            _error(plot, f"{name} is not a scikit-learn classifier or regressor")
            ok = False
        elif name == "clf" and not base.is_classifier(value):
            _error(plot, f"{name} is not a scikit-learn classifier")
            ok = False
        elif name == "regressor" and not base.is_regressor(value):
            _error(plot, f"{name} is not a scikit-learn regressor")
            ok = False
        elif name == "clusterer" and not _is_clusterer(value):
            _error(plot, f"{name} is not a scikit-learn clusterer")
            ok = False
    return ok


def fitted(plot: str, model: Any) -> bool:
    """True unless scikit-learn says the estimator is not fitted yet."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        _error(plot, f"{type(model).__name__} is not fitted: call .fit() before plotting")
        return False
    except TypeError:  # not an estimator scikit-learn knows how to ask; assume fitted, as wandb does
        return True
    return True


def _is_clusterer(value: Any) -> bool:
    from sklearn import base

    is_clusterer = getattr(base, "is_clusterer", None)  # scikit-learn >= 1.6
    if is_clusterer is not None:
        return bool(is_clusterer(value))
    return getattr(value, "_estimator_type", None) == "clusterer"


def _dense(value: Any) -> Any:
    import numpy as np

    if hasattr(value, "toarray"):  # a scipy sparse matrix
        value = value.toarray()
    elif hasattr(value, "to_numpy"):  # a pandas DataFrame or Series
        value = value.to_numpy()
    return np.asarray(value)


def _is_number(value: Any) -> bool:
    import numbers

    return isinstance(value, numbers.Number) and not isinstance(value, bool)
