@testable import Bot
import XCTest

/// The read-ahead's bookkeeping on its own: which read runs, which joins, what a write or a failure drops.
final class ReadAheadBookTests: XCTestCase {
    typealias Book = ReadAheadBook<String>

    func testClosedWindowSendsEveryReadStraightThrough() {
        var book = Book()
        XCTAssertEqual(book.read("positions"), .direct)
        XCTAssertEqual(book.read("positions", priming: true), .direct)
        XCTAssertEqual(book.counts, Book.Counts())
        XCTAssertTrue(book.keptTokens.isEmpty)
    }

    func testOpenWindowStartsTheFirstReadAndJoinsTheSameCall() {
        var book = Book()
        book.open()
        guard case .start(let token) = book.read("positions", priming: true) else { return XCTFail("first read must start") }
        XCTAssertEqual(book.read("positions"), .join(token: token))
        XCTAssertEqual(book.read("positions"), .join(token: token))
        guard case .start(let other) = book.read("balance") else { return XCTFail("another call starts its own read") }
        XCTAssertNotEqual(other, token)
        XCTAssertEqual(book.counts, Book.Counts(primed: 1, started: 1, joined: 2))
    }

    func testAWriteDropsEveryKeptReadSoTheNextIsFresh() {
        var book = Book()
        book.open()
        guard case .start(let before) = book.read("positions", priming: true) else { return XCTFail() }
        _ = book.read("balance", priming: true)
        XCTAssertEqual(Set(book.invalidate()), [before, before + 1])
        XCTAssertTrue(book.keptTokens.isEmpty)
        guard case .start(let after) = book.read("positions") else { return XCTFail("a read after a write must be fresh") }
        XCTAssertNotEqual(after, before)
        XCTAssertEqual(book.read("positions"), .join(token: after))
        XCTAssertEqual(book.counts.invalidations, 1)
    }

    func testAFailedReadIsDroppedOnlyWhileItIsTheKeptOne() {
        var book = Book()
        book.open()
        guard case .start(let first) = book.read("ticker", priming: true) else { return XCTFail() }
        XCTAssertTrue(book.failed("ticker", token: first))
        guard case .start(let retry) = book.read("ticker") else { return XCTFail("a retry after a failure must be fresh") }
        // The first read's late failure report must not drop the retry.
        XCTAssertFalse(book.failed("ticker", token: first))
        XCTAssertEqual(book.read("ticker"), .join(token: retry))
        XCTAssertEqual(book.counts.failures, 1)
    }

    func testClosingEndsTheWindowAndReopeningStartsEmpty() {
        var book = Book()
        book.open()
        _ = book.read("positions")
        XCTAssertEqual(book.close().count, 1)
        XCTAssertFalse(book.isOpen)
        XCTAssertEqual(book.read("positions"), .direct)
        book.open()
        guard case .start = book.read("positions") else { return XCTFail("a new window keeps nothing of the last") }
    }

    func testAWriteOutsideAWindowIsNotCountedAsAnInvalidation() {
        var book = Book()
        book.invalidate()
        XCTAssertEqual(book.counts.invalidations, 0)
    }
}
