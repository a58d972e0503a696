"""KeepColumns, CombineOutputs, ExpandColumns and GroupColumns."""

from __future__ import annotations

import pytest

from distilabel.errors import DistilabelUserError
from distilabel.steps import CombineOutputs, ExpandColumns, GroupColumns, KeepColumns


def test_keep_columns_keeps_only_the_named_columns_in_order() -> None:
    keep = KeepColumns(name="keep", columns=["b", "a"])
    (rows,) = keep.process_applying_mappings([{"a": 1, "b": 2, "c": 3}])
    assert rows == [{"b": 2, "a": 1}] and list(rows[0]) == ["b", "a"]
    assert keep.get_output_columns({"a", "b", "c"}) == {"a", "b"}


def test_combine_outputs_merges_rows_by_position_and_metadata() -> None:
    combine = CombineOutputs(name="combine")
    first = [{"id": 1, "x": "a", "distilabel_metadata": {"m1": 1}}]
    second = [{"id": 1, "y": "b", "distilabel_metadata": {"m2": 2}}]
    (rows,) = combine.process_applying_mappings(first, second)
    assert rows == [{"id": 1, "x": "a", "y": "b", "distilabel_metadata": {"m1": 1, "m2": 2}}]
    assert combine.takes_multiple_inputs()


def test_combine_outputs_refuses_misaligned_batches() -> None:
    with pytest.raises(DistilabelUserError, match="batches of different sizes"):
        next(CombineOutputs(name="c").process_applying_mappings([{"a": 1}], []))


def test_expand_columns_makes_one_row_per_element() -> None:
    expand = ExpandColumns(name="expand", columns={"generations": "generation"})
    (rows,) = expand.process_applying_mappings([{"id": 1, "generations": ["a", "b"]}])
    assert rows == [{"id": 1, "generation": "a"}, {"id": 1, "generation": "b"}]
    assert expand.get_output_columns({"id", "generations"}) == {"id", "generation"}


def test_expand_columns_expands_several_lists_together_or_explains() -> None:
    expand = ExpandColumns(name="expand", columns=["a", "b"])
    (rows,) = expand.process_applying_mappings([{"a": [1, 2], "b": [3, 4]}])
    assert rows == [{"a": 1, "b": 3}, {"a": 2, "b": 4}]
    with pytest.raises(DistilabelUserError, match="same length"):
        next(expand.process_applying_mappings([{"a": [1], "b": [1, 2]}]))
    with pytest.raises(DistilabelUserError, match="must hold a list"):
        next(expand.process_applying_mappings([{"a": 1, "b": [1]}]))


def test_group_columns_gathers_a_column_from_each_predecessor() -> None:
    group = GroupColumns(name="group", columns=["generation", "model_name"])
    left = [{"q": "x", "generation": "g1", "model_name": "m1"}]
    right = [{"q": "x", "generation": "g2", "model_name": "m2"}]
    (rows,) = group.process_applying_mappings(left, right)
    assert rows == [{"q": "x", "grouped_generation": ["g1", "g2"],
                     "grouped_model_name": ["m1", "m2"]}]
    assert group.outputs == ["grouped_generation", "grouped_model_name"]


def test_group_columns_output_names_must_match_columns() -> None:
    with pytest.raises(ValueError, match="one output name per column"):
        GroupColumns(columns=["a", "b"], output_columns=["only_one"])
    named = GroupColumns(name="g", columns=["a"], output_columns=["all_a"])
    assert next(named.process_applying_mappings([{"a": 1}], [{"a": 2}])) == [{"all_a": [1, 2]}]
