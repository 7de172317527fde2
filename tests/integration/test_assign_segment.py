"""The SQL scoring macro against numpy and scikit-learn on random models and rows (hypothesis).

Each example writes a scaler, centroids and rows into a DuckDB file, runs the integration-test model
that calls dbt_segments.assign_segment through real dbt, and compares:
- labels: equal, row for row, to the documented rule in numpy (squared Euclidean distance summed
  feature by feature, ties to the lowest segment id) -- exactly, ties included;
- labels: equal to scikit-learn's KMeans.predict wherever the two nearest centroids are not within a
  relative 1e-9 of each other (scikit-learn computes distances as |x|^2 - 2x.c + |c|^2, which rounds
  differently from (x - c)^2 near a tie; on integer-valued data both are exact, so ties are compared too);
- squared distances: within a relative 1e-12 of numpy's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans

from dbt_process import dbt
from python_udfs.segmentation import nearest_centroid

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = PROJECT_ROOT / "integration_tests"
DBT = str(Path(sys.executable).with_name("dbt"))


@pytest.fixture(scope="module")
def integration_project(tmp_path_factory):
    env = {**os.environ, "DBT_PROFILES_DIR": str(INTEGRATION)}
    assert dbt(["deps"], INTEGRATION, env).returncode == 0
    return tmp_path_factory.mktemp("fuzz")


def score_with_dbt(workdir: Path, cases: list[tuple], nan_masks: list | None = None) -> list[pd.DataFrame]:
    """Score every (rows, means, scales, centroids) case through dbt in one run; one frame per case.
    A missing value (np.nan in `rows`) is written as SQL null; `nan_masks` (one boolean array per case)
    marks cells written as the double NaN instead, a value distinct from null."""
    database = workdir / "fuzz.duckdb"
    database.unlink(missing_ok=True)
    centroid_rows = []
    with duckdb.connect(str(database)) as connection:
        for case, (rows, means, scales, centroids) in enumerate(cases):
            features = [f"f{i}" for i in range(rows.shape[1])]
            frame = pd.DataFrame(rows, columns=features)
            frame.insert(0, "row_id", np.arange(len(rows), dtype=np.int64))
            scaler = pd.DataFrame({"feature_position": np.arange(len(features)), "feature": features,
                                   "mean": np.asarray(means, dtype=np.float64),
                                   "scale": np.asarray(scales, dtype=np.float64)})
            write_table(connection, f"fixture_rows_{case}", frame)
            if nan_masks is not None:
                for row, column in zip(*np.nonzero(nan_masks[case])):
                    connection.execute(f"update fixture_rows_{case} set {features[column]} = 'NaN'::double "
                                       f"where row_id = {row}")
            write_table(connection, f"fixture_scaler_{case}", scaler)
            centroid_rows += [
                {"model_version": f"case_{case}", "segment_id": segment, "feature_position": position,
                 "feature": features[position], "centroid_scaled": float(centroids[segment, position])}
                for segment in range(len(centroids)) for position in range(len(features))]
        write_table(connection, "fixture_centroids", pd.DataFrame(centroid_rows))
    env = {**os.environ, "DBT_PROFILES_DIR": str(INTEGRATION), "SEGMENTS_DUCKDB_PATH": str(database)}
    result = dbt(["build", "--select", "fixture_scores", "--vars", f"{{fixture_cases: {len(cases)}}}",
                  "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")], INTEGRATION, env)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        scored = connection.sql("select * from fixture_scores order by case_id, row_id").df()
    return [scored[scored["case_id"] == case].reset_index(drop=True) for case in range(len(cases))]


def write_table(connection, name: str, frame: pd.DataFrame) -> None:
    connection.register("incoming", frame)
    connection.execute(f"create table {name} as select * from incoming")
    connection.unregister("incoming")


def kmeans_with_centroids(centroids: np.ndarray) -> KMeans:
    """A fitted scikit-learn KMeans whose cluster centres are exactly `centroids` (distinct rows)."""
    model = KMeans(n_clusters=len(centroids), init=centroids, n_init=1, max_iter=1).fit(centroids)
    # fitting recentres the data internally, which can move a centre by an ulp: pin them exactly
    model.cluster_centers_ = centroids.copy()
    return model


def check_scores(scored: pd.DataFrame, rows, means, scales, centroids):
    scaled = (rows - np.asarray(means)) / np.asarray(scales)
    scaled = np.where(np.isnan(scaled), 0.0, scaled)
    labels, squared = nearest_centroid(scaled, centroids)
    assert scored["segment_id"].tolist() == labels.tolist()
    np.testing.assert_allclose(scored["squared_distance"].to_numpy(), squared, rtol=1e-12, atol=1e-300)

    distances = ((scaled[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    ordered = np.sort(distances, axis=1)
    clear = (ordered[:, 1] - ordered[:, 0]) > 1e-9 * np.maximum(ordered[:, 1], 1e-300)
    sklearn_labels = kmeans_with_centroids(centroids).predict(scaled)
    assert np.array_equal(labels[clear], sklearn_labels[clear])
    return scaled, sklearn_labels


@st.composite
def integer_models(draw):
    """Small integer coordinates: exact arithmetic everywhere, so exact ties are frequent."""
    n_features = draw(st.integers(1, 4))
    k = draw(st.integers(2, 6))
    coordinate = st.integers(-3, 3).map(float)
    centroid_rows = draw(st.lists(st.tuples(*[coordinate] * n_features), min_size=k, max_size=k, unique=True))
    rows = draw(st.lists(st.tuples(*[coordinate] * n_features), min_size=1, max_size=40))
    return np.array(rows), np.zeros(n_features), np.ones(n_features), np.array(centroid_rows)


@st.composite
def float_models(draw):
    """Huge and tiny magnitudes, up to 12 features and 50 centroids, nulls in the rows. Hypothesis picks
    the shape, magnitude and null share; a seeded generator fills the arrays (too big to draw one by one)."""
    n_features = draw(st.integers(1, 12))
    k = draw(st.integers(2, 50))
    n_rows = draw(st.integers(1, 200))
    magnitude = 10.0 ** draw(st.integers(-150, 150))
    null_share = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    means = rng.normal(0, 1, n_features) * magnitude
    scales = rng.uniform(0.01, 10, n_features) * magnitude
    centroids = rng.normal(0, 2, (k, n_features))
    rows = means + rng.normal(0, 2, (n_rows, n_features)) * scales
    rows[rng.random(rows.shape) < null_share] = np.nan
    return rows, means, scales, centroids


SETTINGS = settings(max_examples=4, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


@SETTINGS
@given(cases=st.lists(integer_models(), min_size=15, max_size=15))
def test_macro_matches_numpy_and_kmeans_on_integer_data_with_ties(integration_project, cases):
    for scored, (rows, means, scales, centroids) in zip(score_with_dbt(integration_project, cases), cases):
        _, sklearn_labels = check_scores(scored, rows, means, scales, centroids)
        # integer data: scikit-learn's distances are exact too, so it must agree on ties as well
        assert scored["segment_id"].tolist() == sklearn_labels.tolist()


@SETTINGS
@given(cases=st.lists(float_models(), min_size=8, max_size=8))
def test_macro_matches_numpy_and_kmeans_on_any_floats_with_nulls(integration_project, cases):
    for scored, (rows, means, scales, centroids) in zip(score_with_dbt(integration_project, cases), cases):
        check_scores(scored, rows, means, scales, centroids)


def test_a_row_equidistant_from_every_centroid_goes_to_segment_zero(integration_project):
    centroids = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    rows = np.array([[0.0, 0.0], [np.nan, np.nan], [0.0, 2.0]])
    [scored] = score_with_dbt(integration_project, [(rows, np.zeros(2), np.ones(2), centroids)])
    assert scored["segment_id"].tolist() == [0, 0, 1]
    assert scored["squared_distance"].tolist() == [1.0, 1.0, 1.0]


@pytest.fixture(scope="module")
def compiled_scoring_sql(integration_project) -> str:
    """The SQL the macro generates for a 3-segment, 3-feature model, as dbt compiled it."""
    centroids = np.array([[1.0, -2.5, 0.0], [0.5, 0.5, 0.5], [-1e-7, 3e8, 2.0]])
    rows = np.array([[0.0, 1.0, 2.0]])
    score_with_dbt(integration_project, [(rows, np.array([1.0, -2.0, 0.0]), np.array([2.0, 0.5, 1.0]), centroids)])
    return (integration_project / "target" / "compiled" / "dbt_segments_integration_tests" / "models"
            / "fixture_scores.sql").read_text()


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "snowflake", "bigquery", "trino"])
def test_generated_scoring_sql_is_portable_standard_sql(compiled_scoring_sql, dialect):
    """The macro's default__ output must parse in other warehouses' dialects too, with one least() over
    the distances and one CASE branch per segment, in segment order."""
    tree = sqlglot.parse_one(compiled_scoring_sql, read=dialect)
    assert len(list(tree.find_all(sqlglot.exp.Greatest, sqlglot.exp.Least))) == 1
    [case] = [case for case in tree.find_all(sqlglot.exp.Case) if len(case.args["ifs"]) == 3]
    assert [branch.args["true"].to_py() for branch in case.args["ifs"]] == [0, 1, 2]


@st.composite
def wide_models_with_nan(draw):
    """Up to 30 features and 50 centroids, with nulls and, separately, NaN values in the rows."""
    n_features = draw(st.integers(13, 30))
    k = draw(st.integers(2, 50))
    n_rows = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    means, scales = rng.normal(0, 5, n_features), rng.uniform(0.1, 10, n_features)
    centroids = rng.normal(0, 2, (k, n_features))
    rows = means + rng.normal(0, 2, (n_rows, n_features)) * scales
    rows[rng.random(rows.shape) < 0.1] = np.nan
    nan_mask = (rng.random(rows.shape) < 0.1) & ~np.isnan(rows)
    return rows, means, scales, centroids, nan_mask


@SETTINGS
@given(cases=st.lists(wide_models_with_nan(), min_size=6, max_size=6))
def test_many_features_with_nan_values_impute_like_nulls(integration_project, cases):
    """Documented imputation: a NaN value is scored exactly as a null, i.e. as the feature's training mean."""
    models = [case[:4] for case in cases]
    scored_cases = score_with_dbt(integration_project, models, nan_masks=[case[4] for case in cases])
    for scored, (rows, means, scales, centroids, nan_mask) in zip(scored_cases, cases):
        check_scores(scored, np.where(nan_mask, np.nan, rows), means, scales, centroids)
        assert scored["squared_distance"].notna().all()
