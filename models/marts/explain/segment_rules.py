"""Explain each segment as a threshold rule over customer_features (a surrogate CART tree or an IMM/ExKMC
threshold tree of k to rule_max_leaf_factor x k leaves, whichever meets the bars with fewer leaves), with
coverage, precision, overall fidelity and cost ratio."""

from python_udfs.explain import fit_rules, rule_table
from python_udfs.frames import to_pandas
from python_udfs.registry import scoring_fit
from python_udfs.segmentation import centroid_matrix, feature_matrix, scaler_from_table, standardize


def model(dbt, session):
    dbt.config(materialized="table")
    customers = to_pandas(dbt.ref("customer_features"), order_by="customer_id")
    # the model version customers are scored with (pinned or published), not merely the latest fit
    scaler, centroids = scoring_fit(to_pandas(dbt.ref("segment_models")),
                                    to_pandas(dbt.ref("segment_model_scalers"), order_by="feature_position"),
                                    to_pandas(dbt.ref("segment_model_centroids"), order_by="segment_id"))
    features, means, scales = scaler_from_table(scaler)
    scaled = standardize(customers, scaler)
    fitted = centroid_matrix(centroids)
    positions, squared_distances = fitted.nearest_positions(scaled)
    values = feature_matrix(customers, features)
    rules, summary = fit_rules(
        values,
        features,
        means,
        scaled,
        positions,
        kmeans_cost=float(squared_distances.sum()),
        k=fitted.k,
        max_leaf_factor=int(dbt.config.get("rule_max_leaf_factor")),
        fidelity_target=float(dbt.config.get("rule_fidelity_target")),
        cost_ratio_target=float(dbt.config.get("rule_cost_ratio_target")),
        random_state=int(dbt.config.get("random_state")),
        centroids=fitted.matrix,
        scales=scales,
        segment_ids=fitted.segment_ids,
    )
    # *_log columns are ln(1 + base column) (customer_features): their rules read on the base column's scale
    log_features = {name for name in features if name.endswith("_log") and name[: -len("_log")] in customers.columns}
    table = rule_table(rules, summary, fitted.keys(positions), rules.partition(values), log_features)
    table.insert(1, "model_version", centroids["model_version"].iloc[0])
    return table
