app_name = "owners"

urlpatterns = []
