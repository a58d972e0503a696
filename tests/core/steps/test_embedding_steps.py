"""EmbeddingGeneration on real embedding models, FaissNearestNeighbour against exact
numpy search, EmbeddingDedup and DeitaFiltering on vectors whose answers are known."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from distilabel.embeddings import Embeddings
from distilabel.errors import DistilabelUserError
from distilabel.pipeline import Pipeline
from distilabel.steps import (
    DeitaFiltering,
    EmbeddingDedup,
    EmbeddingGeneration,
    FaissNearestNeighbour,
    LoadDataFromDicts,
)


class LengthEmbeddings(Embeddings):
    """A user's own embedding model: the text's length and vowel count; 'boom' fails."""

    @property
    def model_name(self) -> str:
        return "length-2"

    def encode(self, inputs: list[str]) -> list[list[float]]:
        if any("boom" in text for text in inputs):
            raise RuntimeError("cannot embed boom")
        return [[float(len(t)), float(sum(c in "aeiou" for c in t))] for t in inputs]


@pytest.mark.slow
def test_embedding_generation_on_the_embedded_gguf_in_a_pipeline() -> None:
    llamacpp = pytest.importorskip("distilabel_llamacpp")
    texts = ["A cat sat on the mat.", "A cat was sitting on the mat.", "Stock markets fell."]
    with Pipeline(name="embed") as pipeline:
        load = LoadDataFromDicts(data=[{"text": t} for t in texts])
        load >> EmbeddingGeneration(name="embed", embeddings=llamacpp.LlamaCppEmbeddings(
            model="smollm2-135m-instruct", n_threads=1, normalize_embeddings=True))
    rows = pipeline.run(use_cache=False)["embed"].to_list()
    vectors = np.asarray([r["embedding"] for r in rows])
    assert vectors.shape == (3, 576)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert {r["model_name"] for r in rows} == {"smollm2-135m-instruct"}
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated


def test_one_bad_text_fails_only_its_row() -> None:
    step = EmbeddingGeneration(name="embed", embeddings=LengthEmbeddings())
    step.load()
    (rows,) = step.process([{"text": "hello"}, {"text": "boom"}, {"text": None},
                            {"text": "abc"}])
    assert [r["embedding"] for r in rows] == [[5.0, 2.0], None, None, [3.0, 1.0]]
    assert "cannot embed boom" in rows[1]["distilabel_metadata"]["error_embed"]
    assert "non-empty string" in rows[2]["distilabel_metadata"]["error_embed"]
    assert "distilabel_metadata" not in rows[0]
    assert {r["model_name"] for r in rows} == {"length-2"}


def test_the_embedding_model_runtime_parameters_nest_under_embeddings() -> None:
    llamacpp = pytest.importorskip("distilabel_llamacpp")
    step = EmbeddingGeneration(embeddings=llamacpp.LlamaCppEmbeddings(
        model="smollm2-135m-instruct"))
    step.set_runtime_parameters({"embeddings": {"normalize_embeddings": False}})
    assert step.embeddings.normalize_embeddings is False
    again = EmbeddingGeneration.from_dict(step.dump())
    assert type(again.embeddings) is type(step.embeddings)


def random_rows(count: int, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, list[dict]]:
    vectors = np.random.default_rng(seed).normal(size=(count, dim)).astype(np.float32)
    return vectors, [{"embedding": v.tolist(), "id": i} for i, v in enumerate(vectors)]


def test_faiss_neighbours_match_exact_numpy_search() -> None:
    vectors, rows = random_rows(300)
    step = FaissNearestNeighbour(k=3)
    step.load()
    (out,) = step.process(rows)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    expected = np.argsort(-similarity, axis=1)[:, :3]
    assert [r["nn_indices"] for r in out] == expected.tolist()
    assert np.allclose([r["nn_scores"] for r in out],
                       np.take_along_axis(similarity, expected, axis=1), atol=1e-5)


def test_faiss_l2_and_rows_without_embeddings() -> None:
    rows = [{"embedding": [0.0, 0.0]}, {"embedding": None}, {"embedding": [3.0, 4.0]},
            {"embedding": [0.0, 1.0]}]
    step = FaissNearestNeighbour(k=1, metric_type=1)  # 1.x: faiss.METRIC_L2
    step.load()
    (out,) = step.process(rows)
    assert [r["nn_indices"] for r in out] == [[3], None, [3], [0]]
    assert out[2]["nn_scores"] == [18.0]  # squared L2 distance from (3, 4) to (0, 1)
    assert out[1]["nn_scores"] is None


def test_faiss_approximate_index_from_a_factory_string() -> None:
    vectors, rows = random_rows(2000, dim=8)
    step = FaissNearestNeighbour(k=1, string_factory="IVF16,Flat", train_size=1000)
    step.load()
    (out,) = step.process(rows)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    exact = similarity.argmax(axis=1)
    found = np.asarray([r["nn_indices"][0] if r["nn_indices"] else -1 for r in out])
    assert (found == exact).mean() > 0.3  # one probed list of 16: approximate, not random


def test_faiss_refuses_vectors_of_different_lengths() -> None:
    step = FaissNearestNeighbour()
    step.load()
    with pytest.raises(DistilabelUserError, match="different lengths"):
        next(step.process([{"embedding": [1.0, 2.0]}, {"embedding": [1.0]}]))


def test_a_missing_faiss_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faiss", None)
    with pytest.raises(ImportError, match=r"distilabel-core\[faiss\]"):
        FaissNearestNeighbour().load()


def test_faiss_then_embedding_dedup_in_a_pipeline_flags_the_copies() -> None:
    vectors, rows = random_rows(50)
    for copy, source in ((50, 3), (51, 17)):
        noisy = vectors[source] + 0.01
        rows.append({"embedding": noisy.tolist(), "id": copy})
    with Pipeline(name="embedding-dedup") as pipeline:
        load = LoadDataFromDicts(data=rows)
        load >> FaissNearestNeighbour(k=2) >> EmbeddingDedup(name="dedup", threshold=0.99)
    out = pipeline.run(use_cache=False)["dedup"].to_list()
    flagged = [r["id"] for r in out if not r["keep_row_after_embedding_filtering"]]
    assert flagged == [50, 51]


def test_embedding_dedup_with_distances_and_dropping() -> None:
    rows = [{"nn_indices": [1], "nn_scores": [0.01]}, {"nn_indices": [0], "nn_scores": [0.01]},
            {"nn_indices": [0], "nn_scores": [5.0]}, {"nn_indices": None, "nn_scores": None}]
    step = EmbeddingDedup(threshold=0.1, scores="distance", drop_duplicates=True)
    (out,) = step.process(rows)
    assert out == [rows[0], rows[2], rows[3]]


def deita_rows() -> list[dict]:
    base = np.eye(4, dtype=np.float32)
    near_first = base[0] + np.array([0, 0.05, 0, 0], dtype=np.float32)
    vectors = [base[0], near_first, base[1], base[2], base[3]]
    scores = [(5, 5), (5, 4.9), (3, 3), (2, None), (None, None)]
    return [
        {"id": i, "embedding": v.tolist(), "evol_instruction_score": a, "evol_response_score": b}
        for i, (v, (a, b)) in enumerate(zip(vectors, scores, strict=True))
    ]


def test_deita_takes_the_best_rows_that_are_far_from_those_taken() -> None:
    with Pipeline(name="deita") as pipeline:
        load = LoadDataFromDicts(data=deita_rows())
        load >> DeitaFiltering(name="deita", data_budget=3, diversity_threshold=0.1)
    out = pipeline.run(use_cache=False)["deita"].to_list()
    # row 1 scores second but is a near copy of row 0; row 4 has no score at all
    assert [r["id"] for r in out] == [0, 2, 3]
    assert [r["deita_score"] for r in out] == [25.0, 9.0, 2.0]
    assert out[0]["nearest_neighbor_distance"] is None
    assert out[1]["nearest_neighbor_distance"] == pytest.approx(1.0)
    assert out[2]["deita_score_computed_with"] == ["evol_instruction_score"]


def test_deita_stops_at_the_budget_and_manhattan_distances_work() -> None:
    step = DeitaFiltering(data_budget=1, distance_metric="manhattan")
    (out,) = step.process(deita_rows())
    assert [r["id"] for r in out] == [0]


def test_deita_needs_a_budget_before_the_pipeline_runs() -> None:
    with Pipeline(name="deita-budget") as pipeline:
        LoadDataFromDicts(data=deita_rows()) >> DeitaFiltering(name="deita")
    with pytest.raises(Exception, match="data_budget"):
        pipeline.run(use_cache=False)


def test_the_1x_import_paths_resolve() -> None:
    from distilabel.steps.deita import DeitaFiltering as Deita
    from distilabel.steps.embeddings.embedding_generation import EmbeddingGeneration as Gen
    from distilabel.steps.embeddings.nearest_neighbour import FaissNearestNeighbour as Nn
    from distilabel.steps.filtering.embedding import EmbeddingDedup as Dedup

    assert (Deita, Gen, Nn, Dedup) == (
        DeitaFiltering, EmbeddingGeneration, FaissNearestNeighbour, EmbeddingDedup)
