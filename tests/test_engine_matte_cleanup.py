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
    path = LFW / f"{name}_0001.jpg"
    if not path.exists():
        pytest.skip(f"{path.name} is absent from ../shared/lfw_dev")
    found = detect.find_face(np.asarray(Image.open(path).convert("RGB")), allow_several=True)
    after = matte.small_matte(found.source, found.face, found.rotation, found.others)
    with monkeypatch.context() as patch:
        patch.setattr(matte, "_cut_loose", lambda left, removal, work: np.zeros(left.shape, np.float32))
        before = matte.small_matte(found.source, found.face, found.rotation, found.others)
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
