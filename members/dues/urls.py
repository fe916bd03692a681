"""Dues URLs, one list per page package, all in the members namespace."""

from members.dues.arrears.urls import urlpatterns as arrears
from members.dues.history.urls import urlpatterns as history
from members.dues.rates.urls import urlpatterns as rates
from members.dues.review.urls import urlpatterns as review
from members.dues.sheet.urls import urlpatterns as sheet

urlpatterns = [*history, *sheet, *arrears, *review, *rates]
