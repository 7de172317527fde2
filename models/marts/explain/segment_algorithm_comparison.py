"""K-Means against MiniBatchKMeans, a Gaussian mixture, BIRCH, Ward and HDBSCAN at the fitted K: silhouette,
Davies-Bouldin, ARI against K-Means, fit time, and whether the result is deployable through assign_segment."""

from python_udfs.algorithm_comparison import compare_algorithms
from python_udfs.fit_sample import SampleSettings, fit_customers
from python_udfs.frames import to_pandas
from python_udfs.segmentation import standardize


def model(dbt, session):
    dbt.config(materialized="table")
    customers = fit_customers(dbt.ref("customer_features"), SampleSettings.checked(
        threshold=dbt.config.get("fit_sample_threshold"),
        size=dbt.config.get("fit_sample_size"),
        strata=dbt.config.get("fit_sample_strata"),
        random_state=dbt.config.get("random_state"),
    )).frame
    scaler = to_pandas(dbt.ref("segment_scaler"), order_by="feature_position")
    centroids = to_pandas(dbt.ref("segment_centroids"), order_by="segment_id")
    table, _, _ = compare_algorithms(
        standardize(customers, scaler),
        n_segments=int(centroids["segment_id"].nunique()),
        random_state=int(dbt.config.get("random_state")),
        n_init=int(dbt.config.get("kmeans_n_init")),
        sample_size=int(dbt.config.get("comparison_sample_size")),
    )
    table.insert(1, "model_version", centroids["model_version"].iloc[0])
    return table
