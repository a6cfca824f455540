"""(being written)"""

from django.http import HttpResponse


def upload(request):
    return HttpResponse("")


def report(request, pk):
    return HttpResponse("")
