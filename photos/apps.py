from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = "Photos"

    def ready(self):
        from django_q.signals import post_spawn

        post_spawn.connect(_load_models, dispatch_uid="photos-load-models")


def _load_models(sender, proc_name, **kwargs):
    """Each django-q2 worker process loads the engine's models as it starts, so the first job is as fast
    as the rest. Web processes never do: they load at most the face detector, on their first upload."""
    from django.conf import settings

    if settings.PHOTOS_API_BASE_URL:
        return  # remote mode: this worker never runs the engine
    import engine

    engine.warm_up()
