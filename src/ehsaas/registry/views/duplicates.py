"""(being written)"""

from django.http import HttpResponse


def duplicate_list(request):
    return HttpResponse("")


def detail(request, pk):
    return HttpResponse("")
