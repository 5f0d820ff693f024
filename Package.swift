// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Optimised numeric code in every configuration: the forward pass is the product.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
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
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System libraries (Debian: libhdf5-dev, libcurl4-openssl-dev, libsqlite3-dev).
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "CKerasGuard"),
        .target(name: "Keras", dependencies: ["CHDF5", "CKerasGuard", "ZIPFoundation"], swiftSettings: fast + vector),
        .target(name: "Scaling", swiftSettings: fast),
        .target(name: "Exchange"),
        .target(name: "Binance", dependencies: [
            "Exchange", "CCurl", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Bot", dependencies: [
            "Exchange", "Keras", "Scaling", "CSQLite", "Yams",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Backtest", dependencies: ["Bot", "Exchange", "Scaling"]),
        .target(name: "BinanceTestServer", dependencies: [
            "Exchange",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),
        .executableTarget(name: "trading-bot", dependencies: [
            "Keras", "Scaling", "Exchange", "Binance", "Bot", "Backtest", "BinanceTestServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: fast),

        .target(name: "MallocCounter", path: "Tests/MallocCounter"),
        .testTarget(name: "KerasTests", dependencies: ["Keras", "MallocCounter"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ScalingTests", dependencies: ["Scaling"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange"]),
        .testTarget(name: "BinanceTests", dependencies: ["Binance", "Exchange", "BinanceTestServer"]),
        .testTarget(name: "BotTests", dependencies: ["Bot", "Exchange", "Keras", "Scaling", "MallocCounter"]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Bot", "Exchange", "Binance", "BinanceTestServer"]),
        .testTarget(name: "EndToEndTests", dependencies: ["BinanceTestServer", "Exchange", "Bot"]),
        .testTarget(name: "BinanceTestServerTests", dependencies: ["BinanceTestServer", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v5]
)
