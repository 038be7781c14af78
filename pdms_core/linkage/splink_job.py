"""Training and scoring with Splink, on DuckDB (in process) or Spark.

Pure computation over feature rows: no PDMS database here (``batch.py`` reads and
writes that). Splink, DuckDB, pyarrow and pyspark are imported inside the functions, so
importing this module costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdms_core.linkage.features import COLUMNS
from pdms_core.linkage.spec import COMPARISONS, DETERMINISTIC_RULES, splink_settings, training_rules

log = logging.getLogger("pdms.linkage")
BACKENDS = ("duckdb", "spark")
#: Share of true matches the deterministic rules are thought to find, for the prior.
DETERMINISTIC_RECALL = 0.4
#: Random pairs sampled to estimate u; more is steadier and slower.
U_SAMPLE_PAIRS = 5e6
SEED = 7
_LISTS = {
    "forename_words",
    "surname_parts",
    "households",
    "postcodes",
    "contacts",
    "refs",
    "ref_types",
}


@dataclass(frozen=True)
class ScoredPair:
    left_id: int
    right_id: int
    match_weight: float
    match_probability: float
    #: Comparison name -> Splink's comparison vector value (its level, -1 for null).
    gammas: dict[str, int]


def _arrow_table(rows: Sequence[dict[str, Any]]) -> Any:
    import pyarrow as pa

    fields = [
        pa.field(name, pa.list_(pa.string()) if name in _LISTS else pa.string()) for name in COLUMNS
    ]
    fields[0] = pa.field("unique_id", pa.int64())
    return pa.Table.from_pylist(list(rows), schema=pa.schema(fields))


def _spark_schema() -> Any:
    from pyspark.sql import types

    return types.StructType(
        [
            types.StructField(
                name,
                types.LongType()
                if name == "unique_id"
                else types.ArrayType(types.StringType())
                if name in _LISTS
                else types.StringType(),
            )
            for name in COLUMNS
        ]
    )


def _register(rows: Sequence[dict[str, Any]], backend: str) -> Any:
    if backend == "spark":
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location

        # Splink's string-similarity functions (jaro_winkler ...) come in a JAR it ships.
        builder = SparkSession.builder.appName("pdms-duplicate-people")
        spark = builder.config("spark.jars", similarity_jar_location()).getOrCreate()
        if spark.sparkContext.getCheckpointDir() is None:
            # Splink breaks long query plans by checkpointing; a cluster sets the
            # directory (spark.checkpoint.dir), a local session gets a scratch one.
            import tempfile

            spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="pdms-splink-"))
        return SparkAPI(spark_session=spark).register(spark.createDataFrame(rows, _spark_schema()))
    from splink import DuckDBAPI

    return DuckDBAPI().register(_arrow_table(rows))


def _quiet() -> None:
    # Splink logs each step at INFO; the job prints its own summary.
    logging.getLogger("splink").setLevel(logging.WARNING)


def train(rows: Sequence[dict[str, Any]], backend: str = "duckdb") -> dict[str, Any]:
    """A model trained on ``rows`` with Splink's own estimation: the prior from
    deterministic rules, u by random sampling, m by EM over each training block."""
    from splink import Linker

    _quiet()
    linker = Linker(_register(rows, backend), splink_settings(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES),
        recall=DETERMINISTIC_RECALL,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
    for rule in training_rules(backend):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    model = linker.misc.save_model_to_json()
    # Splink leaves a level it could not train out of the saved model and scores it
    # with a default; the saved model states every value Splink scores with, so the
    # online check (which reads the saved values) gives the batch job's weights.
    comparisons = scored_comparisons(linker)
    if comparisons is None:
        return model
    for comparison, saved in zip(comparisons, model["comparisons"], strict=True):
        for level, out in zip(
            comparison.comparison_levels, saved["comparison_levels"], strict=True
        ):
            if not level.is_null_level:
                out["m_probability"] = level.m_probability
                out["u_probability"] = level.u_probability
    return model


def scored_comparisons(linker: Any) -> Any:
    """The comparisons as Splink scores them, defaults included: the one place PDMS
    reads Splink's private settings object (Splink 5). Without it (a later Splink),
    None: the model is saved as Splink saves it, and the parity test in
    tests/linkage shows whether the online check still agrees with the batch job."""
    settings = getattr(linker, "_settings_obj", None)
    if settings is None:
        log.warning("Splink has no _settings_obj: untrained levels keep Splink's defaults")
        return None
    return settings.comparisons


def predict(
    rows: Sequence[dict[str, Any]], model: dict[str, Any], threshold: float, backend: str = "duckdb"
) -> list[ScoredPair]:
    """Every blocked pair whose match probability reaches ``threshold``."""
    from splink import Linker

    _quiet()
    linker = Linker(_register(rows, backend), model, log_level=None)
    frame = linker.inference.predict(threshold_match_probability=threshold)
    names = [c.name for c in COMPARISONS]
    columns = ", ".join(
        ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
        + [f"gamma_{name}" for name in names]
    )
    records = frame.query_sql(f"SELECT {columns} FROM {{this}}").as_record_list()
    return [
        ScoredPair(
            int(record["unique_id_l"]),
            int(record["unique_id_r"]),
            float(record["match_weight"]),
            float(record["match_probability"]),
            {name: int(record[f"gamma_{name}"]) for name in names},
        )
        for record in records
    ]
