"""(being written)"""

from django.http import HttpResponse


def search(request):
    return HttpResponse("")


def register(request):
    return HttpResponse("")


def detail(request, pk):
    return HttpResponse("")


def home(request):
    return HttpResponse("")
