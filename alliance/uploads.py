"""No form of the site takes a file: a request carrying one is refused before it is stored."""

from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler


class FileNotExpected(SuspiciousOperation):
    """A file part in a form that asks for none (answered 400 Bad Request)."""


class RefuseFiles(FileUploadHandler):
    """The only upload handler: the first file part stops the request, so no view sees a form
    whose file was dropped, and nothing is written to memory or disk."""

    def new_file(self, *args, **kwargs):
        raise FileNotExpected("This form does not take files.")

    def receive_data_chunk(self, raw_data, start):  # never reached: new_file refuses
        raise FileNotExpected("This form does not take files.")

    def file_complete(self, file_size):
        return None
