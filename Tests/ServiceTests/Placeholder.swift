import HummingbirdTesting
import Testing

@testable import Service
