from ninja import NinjaAPI

api = NinjaAPI(title="tancert", version="1")
