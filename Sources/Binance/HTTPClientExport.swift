// The HTTP client (HTTPRequest/HTTPResponse/TransportFailure/CurlTransport) lives in its own module so that
// Notify and Cloud can share it without importing Binance; it is re-exported so Binance's users see no change.
@_exported import HTTPClient
