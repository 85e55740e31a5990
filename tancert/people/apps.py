from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tancert.people"
    label = "people"
    verbose_name = "People"
