"""Stage 8: a 2-D projection of the conversation embeddings for the map."""

from __future__ import annotations

import logging
import warnings

import numpy as np

from cliokit.config import ProjectConfig

logger = logging.getLogger(__name__)

STAGE_VERSION = 1


def project_embeddings(embeddings: np.ndarray, cfg: ProjectConfig, seed: int) -> np.ndarray:
    """2-D coordinates, shape ``(n, 2)`` float32.

    ``umap``: seeded, cosine metric, ``min_dist`` 0 like the paper (the first fit in a process
    spends tens of seconds compiling numba code). ``pca``: fast, linear. ``none``: zeros.
    Fewer than 4 points always fall back to PCA-style coordinates.
    """
    n = embeddings.shape[0]
    if cfg.method == "none" or n == 0:
        return np.zeros((n, 2), dtype=np.float32)
    if cfg.method == "pca" or n < max(4, cfg.n_neighbors // 2):
        return _pca(embeddings)
    import umap

    reducer = umap.UMAP(
        n_components=2,
        n_neighbors=min(cfg.n_neighbors, n - 1),
        min_dist=cfg.min_dist,
        metric="cosine",
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UMAP warns that a seed disables parallelism
        return np.asarray(reducer.fit_transform(embeddings), dtype=np.float32)


def _pca(embeddings: np.ndarray) -> np.ndarray:
    centred = embeddings - embeddings.mean(axis=0)
    if centred.shape[0] < 2:
        return np.zeros((centred.shape[0], 2), dtype=np.float32)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    return coords.astype(np.float32)
