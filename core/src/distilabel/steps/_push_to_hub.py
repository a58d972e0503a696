"""``PushToHub``: upload the rows that reach it to a Hugging Face Hub dataset repository."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Optional

from pydantic import Field, SecretStr

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GlobalStep
from distilabel.steps._load_hub import import_datasets
from distilabel.steps.typing import StepInput, StepOutput

__all__ = ["PushToHub"]

class PushToHub(GlobalStep):
    """Upload every row that reaches this step to the Hub dataset ``repo_id`` as the split
    ``split`` (one Parquet file, ``data/<split>-00000-of-00001.parquet``, replacing that
    split's earlier upload) and pass the rows on unchanged.

    The repository is created when missing (``private`` decides its visibility); the
    Hub finds the split from the file's name, so pushing ``train`` and ``test`` from two
    steps gives one dataset with both (no card is written: ``Distiset.push_to_hub``
    uploads a whole run with its card). ``token`` is a Hub token with write access
    (default: ``HF_TOKEN`` or the logged-in one); it is a secret, never dumped or logged.
    Needs ``datasets`` (``pip install 'distilabel-core[datasets]'``).

    Example::

        PushToHub(repo_id="my-org/my-dataset", split="train", private=True)
    """

    repo_id: RuntimeParameter[str] = Field(
        default=None, description="The Hub dataset repository, 'org/name'."
    )
    split: RuntimeParameter[str] = Field(default="train", description="The split to upload.")
    private: RuntimeParameter[bool] = Field(
        default=False, description="Create the repository private (when it does not exist)."
    )
    token: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="A Hub token with write access (default: HF_TOKEN)."
    )

    def load(self) -> None:
        """Check that ``datasets`` (and so ``huggingface_hub``) is installed."""
        import_datasets(f"Step '{self.name}' (PushToHub)")
        super().load()

    def push(self, rows: list[dict[str, Any]]) -> None:
        """Upload ``rows`` as the split; raise on a Hub error (the message is the Hub's).

        Raises:
            DistilabelUserError: ``repo_id`` is not set.
        """
        if not self.repo_id:
            raise DistilabelUserError(
                f"Step '{self.name}' (PushToHub) needs `repo_id`, e.g. 'my-org/my-dataset'."
            )
        datasets = import_datasets(f"Step '{self.name}' (PushToHub)")
        from huggingface_hub import CommitOperationAdd, HfApi

        token = self.token.get_secret_value() if self.token is not None else None
        api = HfApi(token=token)
        api.create_repo(self.repo_id, repo_type="dataset", private=bool(self.private),
                        exist_ok=True)
        split = self.split or "train"
        with tempfile.TemporaryDirectory(prefix="distilabel-push-") as tmp:
            data = Path(tmp) / "data.parquet"
            datasets.Dataset.from_list(rows).to_parquet(str(data))
            operations = [CommitOperationAdd(
                path_in_repo=f"data/{split}-00000-of-00001.parquet", path_or_fileobj=str(data)
            )]
            api.create_commit(
                self.repo_id, operations, repo_type="dataset",
                commit_message=f"Upload the {split} split ({len(rows)} rows) with distilabel",
            )

    def process(self, inputs: StepInput) -> StepOutput:
        """Upload the rows, then yield them unchanged."""
        self.push(inputs)
        yield inputs
