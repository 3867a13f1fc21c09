"""整条序列的循环里先把 h 放进 H 再更新：H[:, t-1] 存的是 h_{t-1} 而不是 h_t，输出整体晚了一步（差一）。"""

import torch
from wordvec_rnn.gru import _gates

EXPECT = {"test_layer_stores_new_state": "先用更新公式算出新的 h", "test_layer_matches_nn_gru": "晚了一步",
          "test_layer_matches_cell": "H[:, 0]"}


def gru_layer(X, params, h0=None, variant: str = "cho", return_gates: bool = False):
    h = X.new_zeros(X.shape[0], params["W"].shape[1]) if h0 is None else h0
    XV = X @ params["V"].T + params["b"]
    H, gates = [], []
    for t in range(1, X.shape[1] + 1):
        r, u, g = _gates(XV[:, t - 1], h, params, variant)
        H.append(h)
        h = (1 - u) * g + u * h
        gates.append((r, u, g))
    H = torch.stack(H, dim=1)
    if return_gates:
        return H, h, tuple(torch.stack(list(seq), dim=1) for seq in zip(*gates))
    return H, h
