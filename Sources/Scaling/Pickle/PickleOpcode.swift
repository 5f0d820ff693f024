/// Pickle opcodes (CPython `Lib/pickle.py`), protocols 0–5. Only those `PickleMachine` executes
/// are listed; any other byte in opcode position is refused as unsupported.
enum PickleOpcode {
    static let mark: UInt8 = 0x28            // (
    static let stop: UInt8 = 0x2E            // .
    static let pop: UInt8 = 0x30             // 0
    static let popMark: UInt8 = 0x31         // 1
    static let dup: UInt8 = 0x32             // 2
    static let binInt: UInt8 = 0x4A          // J  4-byte signed
    static let binInt1: UInt8 = 0x4B         // K  1-byte unsigned
    static let binInt2: UInt8 = 0x4D         // M  2-byte unsigned
    static let none: UInt8 = 0x4E            // N
    static let reduce: UInt8 = 0x52          // R
    static let binString: UInt8 = 0x54       // T  (protocol 1 str, decoded as latin-1)
    static let shortBinString: UInt8 = 0x55  // U
    static let binUnicode: UInt8 = 0x58      // X
    static let emptyList: UInt8 = 0x5D       // ]
    static let append: UInt8 = 0x61          // a
    static let build: UInt8 = 0x62           // b
    static let global: UInt8 = 0x63          // c
    static let dict: UInt8 = 0x64            // d
    static let appends: UInt8 = 0x65         // e
    static let binGet: UInt8 = 0x68          // h
    static let longBinGet: UInt8 = 0x6A      // j
    static let list: UInt8 = 0x6C            // l
    static let binPut: UInt8 = 0x71          // q
    static let longBinPut: UInt8 = 0x72      // r
    static let setItem: UInt8 = 0x73         // s
    static let tuple: UInt8 = 0x74           // t
    static let setItems: UInt8 = 0x75        // u
    static let emptyTuple: UInt8 = 0x29      // )
    static let emptyDict: UInt8 = 0x7D       // }
    static let binFloat: UInt8 = 0x47        // G  8-byte big-endian double
    // Protocol 2
    static let proto: UInt8 = 0x80
    static let newObj: UInt8 = 0x81
    static let tuple1: UInt8 = 0x85
    static let tuple2: UInt8 = 0x86
    static let tuple3: UInt8 = 0x87
    static let newTrue: UInt8 = 0x88
    static let newFalse: UInt8 = 0x89
    static let long1: UInt8 = 0x8A
    static let long4: UInt8 = 0x8B
    // Protocol 3
    static let binBytes: UInt8 = 0x42        // B
    static let shortBinBytes: UInt8 = 0x43   // C
    // Protocol 4
    static let shortBinUnicode: UInt8 = 0x8C
    static let binUnicode8: UInt8 = 0x8D
    static let binBytes8: UInt8 = 0x8E
    static let newObjEx: UInt8 = 0x92
    static let stackGlobal: UInt8 = 0x93
    static let memoize: UInt8 = 0x94
    static let frame: UInt8 = 0x95
    // Protocol 5
    static let byteArray8: UInt8 = 0x96
    static let readonlyBuffer: UInt8 = 0x98
}
