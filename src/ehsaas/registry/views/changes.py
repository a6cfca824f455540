"""(being written)"""

from django.http import HttpResponse


def create(request, pk):
    return HttpResponse("")


def change_list(request):
    return HttpResponse("")


def detail(request, pk):
    return HttpResponse("")
