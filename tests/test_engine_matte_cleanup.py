"""The matte clean-ups after RVM: another person's head joined by a thin bridge is dropped (p13), and ears
RVM left half transparent are made solid (p09). Synthetic cases always run; the portraits skip when
../shared is absent.
"""

import cv2
import numpy as np
import pytest
from PIL import Image

from engine import params
from engine.context import Context
from engine.mesh import FACE_OVAL
from engine.pipeline import stages_through
from engine.stages import detect, matte

from .conftest import SHARED, portrait_paths

PORTRAITS = {p.name.split("_")[0]: p for p in portrait_paths()}
BIG_HAIR = ("p03", "p07", "p08", "p16")  # curly or long hair reaching far beside the face


def _scene(width=400, height=300, bridge=True, neighbour=True):
    """Our head (a disc with a face box) and a neighbour's head cut by the left edge, joined by a bridge."""
    alpha = np.zeros((height, width), np.float32)
    if bridge:
        alpha[108:112, 40:200] = 0.7  # a few touching hairs
    cv2.circle(alpha, (240, 130), 60, 1.0, thickness=-1)  # our head
    if neighbour:
        cv2.circle(alpha, (10, 120), 55, 1.0, thickness=-1)  # their head, cut by the frame
    box = (200.0, 100.0, 280.0, 180.0)
    return alpha, box


def test_it_drops_a_head_joined_by_a_thin_bridge():
    alpha, box = _scene()
    out = matte.drop_neighbours(alpha, box, chin_y=190.0, face_width=100.0)
    theirs = np.zeros(alpha.shape, np.uint8)
    cv2.circle(theirs, (10, 120), 55, 1, thickness=-1)
    ours = np.zeros(alpha.shape, np.uint8)
    cv2.circle(ours, (240, 130), 60, 1, thickness=-1)
    assert out[theirs > 0].mean() < 0.02
    assert out[ours > 0].min() > 0.99  # our head is untouched
    # The cut fades along the bridge instead of stopping in a straight step.
    bridge = out[110, 60:178]
    assert bridge[0] < 0.05 and bridge[-1] == pytest.approx(0.7, abs=0.02)
    assert np.abs(np.diff(bridge)).max() < 0.35


def test_it_keeps_the_matte_when_no_head_touches_the_side():
    alpha, box = _scene(neighbour=False)
    out = matte.drop_neighbours(alpha, box, chin_y=190.0, face_width=100.0)
    assert np.array_equal(out, alpha)


def test_it_keeps_our_own_hair_that_runs_off_the_side():
    # Long hair reaching the right edge joins the head along its whole height: no thin bridge, kept.
    alpha, box = _scene(neighbour=False, bridge=False)
    alpha[80:200, 240:400] = 1.0
    out = matte.drop_neighbours(alpha, box, chin_y=190.0, face_width=100.0)
    assert np.array_equal(out, alpha)


def test_it_leaves_the_rows_below_the_fade_alone():
    alpha, box = _scene()
    alpha[190:, :] = 1.0  # bodies side by side, merged
    out = matte.drop_neighbours(alpha, box, chin_y=190.0, face_width=100.0)
    fade_end = 190 + round(matte.TAPER * 100)
    assert np.array_equal(out[fade_end + 1 :], alpha[fade_end + 1 :])
    assert out[:150, :40].max() < 0.02


def _canvas(key):
    if key not in PORTRAITS:
        pytest.skip(f"{key} is absent from ../shared/portraits")
    ctx = Context(params=params.parse({"bg_color": "438EDB"}), source_bytes=PORTRAITS[key].read_bytes())
    for stage in stages_through("geometry"):
        stage.run(ctx)
    landmarks = ctx.canvas_landmarks
    face_width = float(np.hypot(*(landmarks[454] - landmarks[234])))
    return ctx.canvas_alpha, landmarks, face_width


@pytest.mark.shared
@pytest.mark.slow
def test_it_removes_the_neighbour_cut_by_the_frame_on_p13():
    alpha, landmarks, face_width = _canvas("p13")
    # Left of our hair (which stays within 0.15 face widths of the cheek point) and above our chin.
    right = int(landmarks[234][0] - 0.15 * face_width)
    chin = int(landmarks[152][1])
    assert right > 10 and chin > 100
    region = alpha[:chin, :right]
    assert (region > 0.5).mean() < 0.02  # about 0.4 before the clean-up
    # Our own face and hair are still there.
    cx = int((landmarks[234][0] + landmarks[454][0]) / 2)
    assert alpha[int(landmarks[10][1]) : chin, cx].min() > 0.95


@pytest.mark.shared
@pytest.mark.slow
def test_it_makes_the_ears_solid_on_p09():
    alpha, landmarks, face_width = _canvas("p09")
    eye_y = (landmarks[468][1] + landmarks[473][1]) / 2
    nose_y = landmarks[2][1]
    rows = slice(int(eye_y), int((eye_y + nose_y) / 2))
    for index, side in ((234, -1), (454, 1)):
        x = landmarks[index][0]
        x0, x1 = sorted((int(x + side * 0.02 * face_width), int(x + side * 0.15 * face_width)))
        ear = alpha[rows, x0:x1]
        inside = ear > 0.3  # the head's outline as the matte draws it
        assert inside.sum() > 200
        assert ear[inside].mean() > 0.9, (index, ear[inside].mean())  # the image-left ear was 0.78


def portrait_rgb(key):
    """The shared portrait `key` as RGB; skips the test when it is absent."""
    if key not in PORTRAITS:
        pytest.skip(f"{key} is absent from ../shared/portraits")
    return np.asarray(Image.open(PORTRAITS[key]).convert("RGB"))


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("key", BIG_HAIR)
def test_it_does_not_cut_big_hair(key):
    rgb = portrait_rgb(key)
    found = detect.find_face(rgb, level=False, allow_several=True)
    result = matte.small_matte(rgb)
    kept = matte.keep_face_region(result.alpha, found.face, result)
    box, chin_y, face_width = matte.face_in_matte(found.face, result)
    assert np.array_equal(matte.drop_neighbours(kept, box, chin_y, face_width), kept)


def test_it_drops_a_faint_blob_beside_the_head_but_keeps_a_loose_hair():
    alpha = np.zeros((300, 400), np.float32)
    cv2.circle(alpha, (200, 150), 60, 1.0, thickness=-1)  # the head
    cv2.circle(alpha, (100, 80), 12, 0.3, thickness=-1)  # window light RVM half kept
    cv2.line(alpha, (250, 100), (330, 40), 0.3, thickness=1)  # a loose hair
    box = (150.0, 100.0, 250.0, 200.0)
    out = matte.drop_faint_blobs(alpha, box, chin_y=210.0, face_width=100.0)
    blob = np.zeros(alpha.shape, np.uint8)
    cv2.circle(blob, (100, 80), 8, 1, thickness=-1)
    assert out[blob > 0].max() < 0.05
    hair = np.zeros(alpha.shape, np.uint8)
    cv2.line(hair, (250, 100), (330, 40), 1, thickness=1)
    assert np.array_equal(out[hair > 0], alpha[hair > 0])
    head = np.zeros(alpha.shape, np.uint8)
    cv2.circle(head, (200, 150), 60, 1, thickness=-1)
    assert out[head > 0].min() == 1.0


# Bystanders merged with the customer (../shared/lfw_dev press photos): another person's head beside ours is
# cut away along its outline; our own neck, shoulders and hair are never cut, and a cut that would run
# through the other person's face is not made at all.
LFW = SHARED / "lfw_dev"


def _mattes(name, monkeypatch):
    """(face, matte without the bystander clean-up, alpha with it) of an lfw_dev photo, in matte px."""
    path = LFW / f"{name}_0001.jpg"
    if not path.exists():
        pytest.skip(f"{path.name} is absent from ../shared/lfw_dev")
    rgb = np.asarray(Image.open(path).convert("RGB"))
    found = detect.find_face(rgb, allow_several=True)
    with monkeypatch.context() as patch:
        patch.setattr(matte, "drop_bystanders", lambda alpha, *args, **kwargs: alpha)
        before = matte.small_matte(found.image, found.face)
    after = matte.drop_bystanders(before.alpha, before.foreground, found.face, before, before.valid)
    return found.face, before, after


def _ours(face, result):
    """Our face oval and the chest below the chin, in matte px (never to be cut)."""
    points = face.landmarks * result.scale + result.offset
    mask = np.zeros(result.alpha.shape, np.uint8)
    cv2.fillPoly(mask, [np.round(points[list(FACE_OVAL)]).astype(np.int32)], 1)
    width = face.width * result.scale
    chin = points[152]
    top = int(chin[1] + 0.3 * width)
    mask[top:, int(chin[0] - 0.6 * width) : int(chin[0] + 0.6 * width)] = 1
    return mask > 0


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("name, side", [("Laurie_Chan", "both"), ("Leticia_Dolera", "left")])
def test_it_cuts_away_a_bystanders_head_touching_ours(name, side, monkeypatch):
    face, before, after = _mattes(name, monkeypatch)
    points = face.landmarks * before.scale + before.offset
    width = face.width * before.scale
    rows = slice(int(points[10][1]), int(points[152][1]))
    strips = {
        "left": (slice(0, int(points[234][0] - 0.45 * width)),),
        "right": (slice(int(points[454][0] + 0.45 * width), None),),
    }
    for key in ("left", "right") if side == "both" else (side,):
        held, kept = before.alpha[rows, strips[key][0]], after[rows, strips[key][0]]
        assert (held > 0.5).mean() > 0.3, key  # the bystander is in RVM's matte
        assert (kept > 0.5).mean() < 0.1, (key, (kept > 0.5).mean())
    ours = _ours(face, before)
    assert np.abs(after - before.alpha)[ours].max() < 0.02


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "Franco_Dragone",  # his head turned aside: the neck below his ear is skin beside the face
        "Jane_Russell",  # the other face touches hers: the cut would leave half of it, so none is made
        "Gary_Bald",  # the other face is lower than his: the fade below the chin would leave half of it
        "Alexander_Lukashenko",  # alone in front of a plain wall
    ],
)
def test_it_leaves_the_matte_alone_when_nobody_else_is_cut_cleanly(name, monkeypatch):
    _face, before, after = _mattes(name, monkeypatch)
    assert np.array_equal(after, before.alpha)


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("key", BIG_HAIR)
def test_it_finds_no_bystander_in_big_hair(key):
    rgb = portrait_rgb(key)
    found = detect.find_face(rgb, allow_several=True)
    result = matte.small_matte(found.image, found.face)
    assert np.array_equal(
        matte.drop_bystanders(result.alpha, result.foreground, found.face, result, result.valid), result.alpha
    )


# Faces the detector found besides the customer's (bystanders behind, clearly smaller): their heads are cut
# away along the colour edge between them and us, and nothing of our face, neck or chest.
def _other_faces_mattes(name):
    """(face, other boxes, matte without the other faces' removal, alpha with it) of an lfw_dev photo."""
    path = LFW / f"{name}_0001.jpg"
    if not path.exists():
        pytest.skip(f"{path.name} is absent from ../shared/lfw_dev")
    rgb = np.asarray(Image.open(path).convert("RGB"))
    found = detect.find_face(rgb, allow_several=True)
    assert found.count == 1 and found.others  # one dominant face, and somebody else
    before = matte.small_matte(found.source, found.face, found.rotation)
    after = matte.drop_other_faces(before.alpha, before.foreground, found.face, found.others, before)
    return found.face, found.others, before, after


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["David_Oh", "Gavyn_Arthur"])
def test_it_cuts_away_the_other_faces_the_detector_found(name):
    face, others, before, after = _other_faces_mattes(name)
    oval = matte._face_oval(before.alpha.shape, face.landmarks * before.scale + before.offset)
    for box in others:
        middle = matte.rect_mask(before.alpha.shape, matte._grown(before.to_matte(np.array(box)), 0.5, 0.5, 0.0))
        middle &= ~oval
        assert before.alpha[middle].mean() > 0.3, box  # RVM kept their face, joined to ours
        assert after[middle].mean() < 0.05, (box, after[middle].mean())
    ours = _ours(face, before)
    assert np.abs(after - before.alpha)[ours].max() < 0.02


@pytest.mark.shared
@pytest.mark.slow
def test_it_leaves_a_face_cheek_to_cheek_with_ours_whole():
    # Her chin goes on below his: the removal, fading out there, would leave half a face (the final look
    # refuses the photo instead).
    _face, _others, before, after = _other_faces_mattes("Marco_Irizarry")
    assert np.array_equal(after, before.alpha)


# What a removal leaves of the other person apart from us (specks of a uniform beside the ear, a strip of
# their hair's edge) goes too: above our chin no matte is left more than a little way from our solid person.
def _apart_from_us(alpha, face, result):
    """Pixels above our chin with alpha > 0.1 more than 0.08 face widths from the solid matte holding our face."""
    points = face.landmarks * result.scale + result.offset
    solid = (alpha > 0.5).astype(np.uint8)
    _count, labels = cv2.connectedComponents(solid, connectivity=8)
    oval = matte._face_oval(alpha.shape, points)
    ours = (labels == np.bincount(labels[oval & (solid > 0)]).argmax()).astype(np.uint8)
    size = 2 * round(0.08 * face.width * result.scale) + 1
    near = cv2.dilate(ours, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))) > 0
    rows = int(points[152][1])
    return int(((alpha[:rows] > 0.1) & ~near[:rows]).sum())


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["Gavyn_Arthur", "Laurie_Chan", "Jim_Wall"])
def test_it_leaves_no_pieces_of_a_removed_bystander(name, monkeypatch):
    nothing_cut = lambda left, removal, work: np.zeros(left.shape, np.float32)
    found, before, after = _mattes_without(name, "_cut_loose", nothing_cut, monkeypatch)
    # The removal alone leaves pieces (61-339 px); with them cut loose, none.
    assert _apart_from_us(before.alpha, found.face, before) > 40
    assert _apart_from_us(after.alpha, found.face, after) < 10
    assert np.abs(after.alpha - before.alpha)[_ours(found.face, before)].max() < 0.02


def test_it_measures_what_the_removals_took_by_our_ears():
    # A drawn face: cheeks at x 100 and 200 (face width 100) at y 150; the ear ellipses are 30 x 45 px.
    points = np.zeros((478, 2), np.float32)
    points[:] = (150, 150)
    points[matte.CHEEK_A], points[matte.CHEEK_B] = (100, 150), (200, 150)
    face = detect.face_from_points(points, (90, 80, 210, 230))
    frame = matte.Matte(alpha=np.zeros((300, 300), np.float32), foreground=None, valid=None, scale=1.0)
    before = np.zeros((300, 300), np.float32)
    before[60:260, 60:240] = 1.0  # head and ears solid
    before[0:40, 250:300] = 1.0  # someone else's piece far from the ears

    after = before.copy()
    after[0:40, 250:300] = 0.0  # removed away from our ears: nothing taken there
    assert matte.cut_at_ears(before, after, face, frame) == 0.0

    after[130:170, 75:100] = 0.0  # 25 x 40 px cut out beside the left cheek, all inside its ellipse
    taken = matte.cut_at_ears(before, after, face, frame)
    assert taken == pytest.approx(25 * 40 / 100**2, rel=0.05)

    faint = before.copy()
    faint[130:170, 75:100] = 0.4  # what was only faint (not solid) there does not count
    assert matte.cut_at_ears(faint, np.minimum(faint, after), face, frame) == 0.0


# What the removals leave of another person below our chin (their fade stops in a straight edge) goes too
# where a colour edge or a gap of background tells them from us; someone dressed like us who touches us
# stays as the fade left them.
SKIN, RED, GREY, WALL = (200, 150, 120), (180, 30, 30), (130, 130, 130), (40, 90, 60)


def _drawn_face(chin=(150, 175), width=100):
    """A face whose oval is an ellipse above `chin`, cheeks `width` apart (all other mesh points at its middle)."""
    cx, cy = chin
    points = np.zeros((478, 2), np.float32)
    points[:] = (cx, cy - 65)
    for i, index in enumerate(FACE_OVAL):
        angle = 2 * np.pi * i / len(FACE_OVAL) - np.pi / 2
        points[index] = (cx + 0.5 * width * np.cos(angle), cy - 65 - 65 * np.sin(angle))
    points[matte.CHIN] = chin
    points[matte.CHEEK_A], points[matte.CHEEK_B] = (cx - width / 2, cy - 65), (cx + width / 2, cy - 65)
    return detect.face_from_points(points, (cx - 50, cy - 130, cx + 50, cy))


def _bystander_scene(their_colour=GREY, gap_to=None, shoulders=200):
    """(face, frame, whole, after, colours, theirs): our head, neck and red shoulders (from row `shoulders`),
    and a neighbour at the left edge whose head and body were removed above our chin (row 175), fading out
    below it as `_remove` does; their body touches our shoulder (from `gap_to` when given: background between
    until then)."""
    h, w = 300, 300
    whole = np.zeros((h, w), np.float32)
    colours = np.zeros((h, w, 3), np.uint8)
    colours[:] = WALL
    ours = np.zeros((h, w), np.uint8)
    cv2.ellipse(ours, (150, 110), (50, 65), 0, 0, 360, 1, -1)
    ours[170:200, 125:176] = 1
    colours[ours > 0] = SKIN
    ours[shoulders:, 60:241] = 1
    colours[shoulders:, 60:241] = RED
    theirs = np.zeros((h, w), np.uint8)
    cv2.circle(theirs, (20, 100), 45, 1, -1)
    colours[theirs > 0] = SKIN
    theirs[140:, 0:60] = 1
    colours[140:, 0:60] = their_colour
    if gap_to is not None:
        theirs[140:gap_to, 50:60] = 0  # a strip of background between them and our shoulder
        colours[140:gap_to, 50:60] = WALL
    whole[(ours > 0) | (theirs > 0)] = 1.0
    removal = theirs.astype(np.float32)
    matte._fade_below_chin(removal, 175.0, 100.0)
    after = whole * (1.0 - removal)
    frame = matte.Matte(alpha=whole, foreground=colours, valid=None, scale=1.0)
    return _drawn_face(), frame, whole, after, colours, (theirs > 0) & (ours == 0)


def test_it_drops_what_a_removal_left_below_the_chin_across_a_colour_edge():
    face, frame, whole, after, colours, theirs = _bystander_scene()
    fade_end = 175 + round(matte.TAPER * 100)
    assert after[fade_end:][theirs[fade_end:]].min() == 1.0  # the fade's straight edge, their body below it
    out = matte.drop_remnants(whole, after, colours, face, frame)
    assert out[fade_end:, :57].max() < 0.05  # their body (x < 60), up to the soft edge along ours
    assert np.array_equal(out[:, 65:], after[:, 65:])  # ours untouched beyond the cut's soft edge
    assert out[fade_end:, 62:65].min() > 0.9


def test_it_leaves_someone_dressed_like_us_who_touches_us_to_the_fade():
    face, frame, whole, after, colours, _theirs = _bystander_scene(their_colour=RED, shoulders=176)
    assert np.array_equal(matte.drop_remnants(whole, after, colours, face, frame), after)


def test_it_drops_the_part_apart_from_us_down_to_where_we_touch():
    # Dressed like us, but background between us down to row 250: that far it goes, then it fades out.
    face, frame, whole, after, colours, _theirs = _bystander_scene(their_colour=RED, gap_to=250)
    out = matte.drop_remnants(whole, after, colours, face, frame)
    assert out[205:240, :47].max() < 0.05
    fade_end = 250 + round(matte.TAPER * 100)
    assert np.array_equal(out[fade_end + 2 :], after[fade_end + 2 :])
    assert np.array_equal(out[:, 65:], after[:, 65:])  # our shoulder untouched


def _remnant_mattes(name, monkeypatch):
    """(face, matte without `drop_remnants`, alpha with it) of an lfw_dev photo, in matte px."""
    found, before, after = _mattes_without(name, "drop_remnants", lambda whole, alpha, *a, **k: alpha, monkeypatch)
    return found.face, before, after.alpha


def _mattes_without(name, step, stand_in, monkeypatch):
    """(found face, matte with `step` of engine/stages/matte.py replaced by `stand_in`, matte as it is) of an
    lfw_dev photo; skips when the photo is absent."""
    path = LFW / f"{name}_0001.jpg"
    if not path.exists():
        pytest.skip(f"{path.name} is absent from ../shared/lfw_dev")
    found = detect.find_face(np.asarray(Image.open(path).convert("RGB")), allow_several=True)
    after = matte.small_matte(found.source, found.face, found.rotation, found.others)
    with monkeypatch.context() as patch:
        patch.setattr(matte, step, stand_in)
        before = matte.small_matte(found.source, found.face, found.rotation, found.others)
    return found, before, after


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "Leticia_Dolera",  # her neighbour's grey shawl, across a colour edge from her red top and dark hair
        "Billy_Crystal",  # a neighbour's black suit, with background between it and his own down to the bottom
    ],
)
def test_it_drops_a_neighbours_body_below_the_chin(name, monkeypatch):
    face, before, after = _remnant_mattes(name, monkeypatch)
    points = face.landmarks * before.scale + before.offset
    width = face.width * before.scale
    chin = points[152]
    rows = slice(int(chin[1] + matte.TAPER * width) + 1, int(chin[1] + 0.6 * width))  # below the old fade
    side = slice(0, int(chin[0] - 0.45 * width))
    held, kept = (before.alpha[rows, side] > 0.5).mean(), (after[rows, side] > 0.5).mean()
    assert held > 0.8 and kept < held - 0.3, (held, kept)  # 0.94 -> 0.43, 0.84 -> 0.49
    column = slice(int(chin[0] - 0.35 * width), int(chin[0] + 0.35 * width))
    assert np.abs(after - before.alpha)[int(chin[1]) :, column].max() < 0.02  # our neck and chest


@pytest.mark.shared
@pytest.mark.slow
def test_it_leaves_a_dark_suit_beside_ours_to_the_fade(monkeypatch):
    # Marion_Barry: the man beside him wears a dark suit like his, and they touch right under the chin.
    _face, before, after = _remnant_mattes("Marion_Barry", monkeypatch)
    assert np.array_equal(after, before.alpha)
