"""MergeColumns, CombineColumns (1.0-1.3's GroupColumns) and DataSampler."""

from __future__ import annotations

from distilabel.pipeline import Pipeline
from distilabel.steps import (
    CombineColumns,
    DataSampler,
    LoadDataFromDicts,
    MergeColumns,
    step,
)
from distilabel.steps.typing import StepInput, StepOutput


def test_merge_columns_puts_a_rows_values_into_one_list() -> None:
    merge = MergeColumns(columns=["answer_a", "answer_b"], output_column="generations")
    (rows,) = merge.process([{"answer_a": "x", "answer_b": "y"}, {"answer_a": "z"}])
    assert [r["generations"] for r in rows] == [["x", "y"], ["z", None]]
    assert MergeColumns(columns=["a"]).outputs == ["merged_column"]


def test_combine_columns_groups_predecessors_under_1x_names() -> None:
    with Pipeline(name="combine-columns") as pipeline:
        load = LoadDataFromDicts(data=[{"q": "a"}, {"q": "b"}])

        @step(inputs=["q"], outputs=["generation"])
        def Upper(inputs: StepInput) -> StepOutput:
            yield [{**row, "generation": row["q"].upper()} for row in inputs]

        @step(inputs=["q"], outputs=["generation"])
        def Twice(inputs: StepInput) -> StepOutput:
            yield [{**row, "generation": row["q"] * 2} for row in inputs]

        combine = CombineColumns(name="combine", columns=["generation"])
        load >> [Upper(name="upper"), Twice(name="twice")] >> combine
    rows = pipeline.run(use_cache=False)["combine"].to_list()
    assert [r["merged_generation"] for r in rows] == [["A", "aa"], ["B", "bb"]]


def test_data_sampler_draws_distinct_examples_reproducibly() -> None:
    data = [{"question": f"q{i}", "answer": f"a{i}"} for i in range(10)]
    sampler = DataSampler(data=data, size=3, samples=20, batch_size=8)
    batches = list(sampler.process())
    rows = [row for batch, _ in batches for row in batch]
    assert len(rows) == 20 and [last for _, last in batches] == [False, False, True]
    for row in rows:
        assert len(set(row["question"])) == 3
        assert [q[1:] for q in row["question"]] == [a[1:] for a in row["answer"]]
    again = [row for batch, _ in DataSampler(data=data, size=3, samples=20).process()
             for row in batch]
    assert again == rows  # the same seed, the same draws
    resumed = [row for batch, _ in sampler.process(offset=15) for row in batch]
    assert resumed == rows[15:]
    other = [r for b, _ in DataSampler(data=data, size=3, samples=20, seed=7).process()
             for r in b]
    assert other != rows


def test_the_1x_paths_resolve() -> None:
    from distilabel.steps.columns.group import CombineColumns as OneX
    from distilabel.steps.columns.merge import MergeColumns as Merge
    from distilabel.steps.generators.data_sampler import DataSampler as Sampler

    assert (OneX, Merge, Sampler) == (CombineColumns, MergeColumns, DataSampler)
