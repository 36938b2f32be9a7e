"""Reference Fréchet distances for apprentice's FrechetDistance tests (numpy + scipy).

FD = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 sqrtm(S1 S2)), covariances with N-1 (np.cov's default), computed as
pytorch-fid does (scipy.linalg.sqrtm of the product, real part; eps·I offset added when the product is singular).
Also recorded: the symmetric form Tr sqrt(S1^1/2 S2 S1^1/2) through numpy.linalg.eigh, which the Java code uses;
the two agree to rounding on every case here. Data are float32 values (what the Java API takes), stored as
the shortest decimal strings that round-trip to those float32 values (read them with Float.parseFloat), so both sides read identical numbers.
"""
import json
import numpy as np
from scipy import linalg


def fd_sqrtm(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(s1.dot(s2))
    if not np.isfinite(covmean).all():
        off = np.eye(s1.shape[0]) * 1e-6
        covmean = linalg.sqrtm((s1 + off).dot(s2 + off))
    covmean = np.real(covmean)
    d = mu1 - mu2
    return float(d.dot(d) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def psd_sqrt(m):
    w, v = np.linalg.eigh((m + m.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fd_symmetric(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    r = psd_sqrt(s1)
    w = np.linalg.eigvalsh((r @ s2 @ r + (r @ s2 @ r).T) / 2)
    d = mu1 - mu2
    return float(d.dot(d) + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(np.clip(w, 0, None)).sum())


def case(name, rng, n1, n2, dim, shift, mix):
    a = rng.standard_normal((n1, dim)).astype(np.float32)
    m = (np.eye(dim) + mix * rng.standard_normal((dim, dim))).astype(np.float32)
    b = (rng.standard_normal((n2, dim)) @ m + shift).astype(np.float32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    ref, sym = fd_sqrtm(a64, b64), fd_symmetric(a64, b64)
    return {
        "name": name, "dim": dim,
        "a": [[str(x) for x in row] for row in a],
        "b": [[str(x) for x in row] for row in b],
        "fd_scipy_sqrtm": ref, "fd_symmetric_eigh": sym,
        "mean_a": [float(x) for x in a64.mean(0)],
        "cov_a_diag": [float(x) for x in np.diag(np.cov(a64, rowvar=False))],
    }


rng = np.random.default_rng(20261125)
cases = [
    case("well-conditioned, 8 dims", rng, 300, 200, 8, 0.5, 0.3),
    case("mixed covariance, 16 dims", rng, 80, 60, 16, 0.0, 0.6),
    case("near-identical sets, 4 dims", rng, 500, 500, 4, 0.01, 0.01),
    case("fewer samples than dims (singular covariances), 24 dims", rng, 10, 14, 24, 0.2, 0.4),
]
print(json.dumps({"cases": cases}, separators=(",", ":")))
