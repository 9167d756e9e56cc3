"""Tests of cnncourse.plotting.graph_layout: rows by depth, branches in order, skips routed."""

from cnncourse.plotting import graph_drawing, graph_layout, model_graph
from tests.plotting.helpers import gids, inception_model, residual_model


def test_rows_follow_the_longest_path_and_long_edges_pass_dummy_points():
    graph = model_graph.layer_graph(residual_model())
    assert graph_layout.ranks(graph)["add"] == 4  # image, conv, pool, norm, then add
    rows, routes = graph_layout.layout(graph)
    assert rows[0] == ["image"] and rows[-1] == ["dense"]
    skip = routes[("shortcut", "add")]
    assert skip[0] == "shortcut" and skip[-1] == "add"
    assert [point[0] for point in skip[1:-1]] == ["dummy", "dummy"]  # rows of pool and norm
    assert routes[("conv", "pool")] == ["conv", "pool"]


def test_skip_connection_is_routed_around_the_rows_it_jumps():
    fig = graph_drawing.plot_model_graph(residual_model())
    arrows = {
        p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("edge:")
    }
    skip = arrows["edge:shortcut->add"].route
    direct = arrows["edge:conv->pool"].route
    assert len(direct) == 2
    assert len(skip) > 2  # bends through the rows of pool and norm
    boxes = {
        p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("layer:")
    }
    pool_box = boxes["layer:pool"].get_bbox()
    inner_x = skip[1:-1, 0]
    assert all(x < pool_box.x0 or x > pool_box.x1 for x in inner_x)


def test_inception_branches_sit_side_by_side_in_argument_order():
    model = inception_model()
    fig = graph_drawing.plot_model_graph(model)
    boxes = {
        p.get_gid(): p.get_bbox()
        for p in fig.axes[0].patches
        if (p.get_gid() or "").startswith("layer:")
    }
    assert len(boxes) == len(model.layers)
    firsts = ["b1_1x1", "b2_1x1", "b3_1x1", "b4_pool"]
    centres = [(boxes[f"layer:{n}"].x0 + boxes[f"layer:{n}"].x1) / 2 for n in firsts]
    tops = {round(boxes[f"layer:{n}"].y1, 6) for n in firsts}
    assert len(tops) == 1  # one row
    assert centres == sorted(centres)  # left to right as concatenated
    assert len(gids(fig, "edge:")) == 4 + 3 + 4  # input->4 branches, 3 inner, 4 into concat
