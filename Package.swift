// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Optimised numeric code in every configuration: the forward pass is the product.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
/// One section per function in release objects, so the linker can pack what a cold start runs (see `linkOrder`).
/// Concrete generic types (`[String: Int]`, `Set<UInt8>`) are reached through their metadata accessors instead of
/// being demangled from their names at first use: each of those first uses checked the generic requirements (a
/// Hashable key) by a full scan of the binary's 7 000 protocol conformance records.
let sections: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-function-sections", "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release))]
/// Keras kernels: on x86-64 CPUs with AVX2 + FMA (Intel/AMD since about 2013), `-target-cpu haswell` more than
/// doubles the forward pass over the SSE2 baseline; KERAS_FMA tells the kernels fused multiply-add is one instruction.
/// Like `-march=native`, it is chosen from the BUILD machine's CPU, so a binary never uses instructions its builder
/// lacks; set TRADINGBOT_PORTABLE=1 to build a baseline binary for older CPUs.
#if arch(x86_64)
let cpuFlags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))
    .flatMap { $0.split(separator: "\n").first { $0.hasPrefix("flags") } }
    .map { Set($0.split(separator: " ").map(String.init)) } ?? []
let portable = ProcessInfo.processInfo.environment["TRADINGBOT_PORTABLE"] == "1"
let vector: [SwiftSetting] = !portable && cpuFlags.contains("avx2") && cpuFlags.contains("fma")
    ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("KERAS_FMA")] : []
#elseif arch(arm64)
let vector: [SwiftSetting] = [.define("KERAS_FMA")]
#else
let vector: [SwiftSetting] = []
#endif

/// libhdf5 is linked statically when the static archive is there (libhdf5-dev ships it). Debian's shared
/// libhdf5_serial.so needs libcurl and its whole TLS/Kerberos/LDAP chain (for the S3 driver we never use): ~20
/// libraries, ~5 MB of memory and milliseconds of dynamic linking in every `trading-bot model predict`. From the
/// archive the linker takes only the parts we call, and none of them need libcurl.
/// SQLite (the journal) likewise: processes that never open a journal then map nothing of it.
#if os(Linux)
func staticArchive(_ path: String) -> String? {
    ["x86_64-linux-gnu", "aarch64-linux-gnu"].map { "/usr/lib/\($0)/\(path)" }.first { FileManager.default.fileExists(atPath: $0) }
}
let hdf5Link: [LinkerSetting] = staticArchive("hdf5/serial/libhdf5.a")
    .map { [.unsafeFlags(["-Xlinker", $0]), .linkedLibrary("sz"), .linkedLibrary("z")] }
    ?? [.unsafeFlags(["-L/usr/lib/x86_64-linux-gnu/hdf5/serial", "-L/usr/lib/aarch64-linux-gnu/hdf5/serial"]), .linkedLibrary("hdf5")]
let sqliteLink: [LinkerSetting] = staticArchive("libsqlite3.a").map { [.unsafeFlags(["-Xlinker", $0])] }
    ?? [.linkedLibrary("sqlite3")]
#else
let hdf5Link: [LinkerSetting] = [.linkedLibrary("hdf5")]
let sqliteLink: [LinkerSetting] = [.linkedLibrary("sqlite3")]
#endif

/// Release link of the executable with lld, placing the functions a cold start runs next to each other
/// (Sources/trading-bot/link-order.txt, made by tools/link-order/generate.sh). The kernel maps code 64 KiB at a
/// time around each page fault, so the ~3,700 functions `trading-bot model predict` runs, scattered over 23 MB of
/// text, kept 10.5 MB of it resident; packed, 5.8 MB (what is left is mostly the toolchain's static libraries and
/// libhdf5.a, which are not split per function, so each touched object file comes whole).
#if os(Linux)
let linkOrder: [LinkerSetting] = [.unsafeFlags([
    "-use-ld=lld",
    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/trading-bot/link-order.txt",
    "-Xlinker", "--no-warn-symbol-ordering",
    // Nothing resolves symbols in the executable at run time; the Swift runtime's start-up dladdr() walked all
    // 15,000 exported ones (1 MB of pages).
    "-Xlinker", "--no-export-dynamic",
], .when(configuration: .release))]
#else
let linkOrder: [LinkerSetting] = []
#endif

let package = Package(
    name: "TradingBot",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trading-bot", targets: ["trading-bot"]),
        .library(name: "Keras", targets: ["Keras"]),
        .library(name: "Scaling", targets: ["Scaling"]),
        .library(name: "Exchange", targets: ["Exchange"]),
        .library(name: "Binance", targets: ["Binance"]),
        .library(name: "Bot", targets: ["Bot"]),
        .library(name: "Backtest", targets: ["Backtest"]),
        .library(name: "BinanceTestServer", targets: ["BinanceTestServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries (Debian: libhdf5-dev, libsqlite3-dev).
        .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),  // linked by Keras: hdf5Link
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),  // linked by Bot: sqliteLink

        // libcurl's headers (libcurl4-openssl-dev); the library itself is dlopen'ed on first use.
        .target(name: "CCurl"),
        .target(name: "CKerasGuard"),
        .target(name: "CFormat"),
        .target(name: "Keras", dependencies: ["CHDF5", "CKerasGuard", "ZIPFoundation"], swiftSettings: fast + vector + sections,
                linkerSettings: hdf5Link),
        .target(name: "Scaling", swiftSettings: fast + sections),
        .target(name: "Exchange", swiftSettings: sections),
        // The libcurl HTTP client shared by Binance, Notify (Telegram, webhooks) and Cloud.
        .target(name: "HTTPClient", dependencies: ["CCurl"], swiftSettings: sections),
        .target(name: "Binance", dependencies: [
            "Exchange", "HTTPClient", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: sections),
        // AWS on the same HTTP client: SigV4, S3, SNS, the Lambda Runtime API. No trading knowledge.
        .target(name: "Cloud", dependencies: ["HTTPClient", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: sections),
        // `trading-bot lambda`'s pieces that need both the bot and AWS: the journal in S3, candle claims, SNS alerts.
        .target(name: "Serverless", dependencies: ["Bot", "Cloud", "Notify", "Exchange", "Operate"], swiftSettings: sections),
        .target(name: "Bot", dependencies: [
            "Exchange", "Keras", "Scaling", "CSQLite", "CFormat", "Yams", "Notify",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: sections, linkerSettings: sqliteLink),
        // Operate and observe (issue 11): notifications (outbox delivery as pure state machines + channels).
        // The HTTP/1.1 server (POSIX sockets) shared by the loopback Binance server, the status page and test fakes.
        .target(name: "HTTPServer", swiftSettings: sections),
        .target(name: "Notify", dependencies: ["HTTPClient"], swiftSettings: sections),
        .target(name: "Operate", dependencies: ["Bot", "Backtest", "Exchange", "Notify", "HTTPClient", "HTTPServer"], swiftSettings: sections),
        .target(name: "Backtest", dependencies: ["Bot", "Exchange", "Scaling", "Keras"], swiftSettings: sections),
        .target(name: "BinanceTestServer", dependencies: [
            "Exchange", "HTTPServer",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: sections),
        .executableTarget(name: "trading-bot", dependencies: [
            "Keras", "Scaling", "Exchange", "Binance", "Bot", "Backtest", "BinanceTestServer", "Notify", "Operate", "Cloud", "Serverless",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["link-order.txt"], swiftSettings: fast + sections, linkerSettings: linkOrder),

        .target(name: "MallocCounter", path: "Tests/MallocCounter"),
        .testTarget(name: "KerasTests", dependencies: ["Keras", "MallocCounter"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ScalingTests", dependencies: ["Scaling"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange"]),
        .testTarget(name: "BinanceTests", dependencies: ["Binance", "Exchange", "BinanceTestServer"]),
        .testTarget(name: "BotTests", dependencies: ["Bot", "Exchange", "Keras", "Scaling", "MallocCounter"]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Bot", "Exchange", "Binance", "BinanceTestServer"]),
        // Issue 14: the Trader, the real Binance client over libcurl and the loopback exchange (margin refusals, prices that move).
        .testTarget(name: "TraderLoopbackTests", dependencies: ["Bot", "Binance", "BinanceTestServer", "Exchange",
                                                                .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "EndToEndTests", dependencies: ["BinanceTestServer", "Exchange", "Bot", "HTTPServer", "Notify", "HTTPClient", "AWSTestSupport", "Serverless"]),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "HTTPClient"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"]),
        .target(name: "AWSTestSupport", dependencies: ["HTTPClient"], path: "Tests/AWSTestSupport"),
        .testTarget(name: "CloudTests", dependencies: ["Cloud", "HTTPClient", "AWSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "OperateTests", dependencies: ["Operate", "Bot", "Exchange", "Notify", "HTTPServer", "HTTPClient"]),
        .testTarget(name: "BinanceTestServerTests", dependencies: ["BinanceTestServer", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v5]
)
