"""2-D PCA coordinates of a deterministic sample of customers and of every centroid, for scatter plots."""

from python_udfs.frames import to_pandas
from python_udfs.model_settings import model_settings
from python_udfs.projection import projection_table
from python_udfs.registry import scoring_fit


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    # the model version customers are scored with (pinned or published), not merely the latest fit
    scaler, centroids = scoring_fit(to_pandas(dbt.ref("segment_models")),
                                    to_pandas(dbt.ref("segment_model_scalers"), order_by="feature_position"),
                                    to_pandas(dbt.ref("segment_model_centroids"), order_by="segment_id"))
    return projection_table(
        customers=to_pandas(dbt.ref("customer_features"), order_by="customer_id"),
        scaler_table=scaler,
        centroid_table_frame=centroids,
        customer_segments=to_pandas(dbt.ref("customer_segments"), order_by="customer_id"),
        segment_dictionary=to_pandas(dbt.ref("segment_dictionary"), order_by="segment_id"),
        sample_size=settings.projection_sample_size,
        random_state=settings.random_state,
    )
