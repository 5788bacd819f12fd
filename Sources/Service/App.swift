import Hummingbird
import MultipartKit
import Mustache
