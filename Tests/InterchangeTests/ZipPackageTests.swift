import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Builds zip archives byte by byte, so that entries can carry paths a zip library would refuse to write.
enum RawZip {
    /// CRC-32 (IEEE) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    /// A zip whose entries are stored uncompressed under exactly the given paths; `badCRC` damages the checksums.
    static func archive(_ entries: [(path: String, data: [UInt8])], badCRC: Bool = false) -> Data {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ value: Int, _ bytes: inout [UInt8]) {
            bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)]
        }
        func u32(_ value: UInt32, _ bytes: inout [UInt8]) {
            bytes += (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
        }
        for entry in entries {
            let name = Array(entry.path.utf8)
            let crc = crc32(entry.data) ^ (badCRC ? 1 : 0)
            let size = UInt32(entry.data.count)
            let offset = UInt32(out.count)
            u32(0x0403_4B50, &out)
            for value in [20, 0, 0, 0, 0x21] { u16(value, &out) }  // version, flags, stored, time, date
            u32(crc, &out)
            u32(size, &out)
            u32(size, &out)
            u16(name.count, &out)
            u16(0, &out)
            out += name + entry.data
            u32(0x0201_4B50, &central)
            for value in [20, 20, 0, 0, 0, 0x21] { u16(value, &central) }  // made by, needed, flags, method, time, date
            u32(crc, &central)
            u32(size, &central)
            u32(size, &central)
            for value in [name.count, 0, 0, 0, 0] { u16(value, &central) }  // name, extra, comment, disk, internal
            u32(0, &central)  // external attributes
            u32(offset, &central)
            central += name
        }
        let directoryOffset = UInt32(out.count)
        out += central
        u32(0x0605_4B50, &out)
        for value in [0, 0, entries.count, entries.count] { u16(value, &out) }
        u32(UInt32(central.count), &out)
        u32(directoryOffset, &out)
        u16(0, &out)
        return Data(out)
    }
}

private func readFailure(_ data: Data, name: String = "pool.zip") -> ImportFailure? {
    do {
        _ = try ZipPackage(name: name, data: data)
        return nil
    } catch {
        return error
    }
}

@Suite("Safe zip reading")
struct ZipPackageTests {
    @Test("an archive round-trips; directories are left out")
    func roundTrip() throws {
        let content = Data("<questestinterop/>".utf8)
        let data = try ZipPackage.archive([("pool/fragen.xml", content), ("pool/leer.txt", Data())])
        #expect(ZipPackage.looksLikeZip(data))
        let package = try ZipPackage(name: "pool.zip", data: data)
        #expect(package.files == ["pool/fragen.xml": content, "pool/leer.txt": Data()])
        #expect(package.source("pool/fragen.xml")?.name == "pool.zip:pool/fragen.xml")
        let raw = try ZipPackage(
            name: "raw.zip", data: RawZip.archive([("ordner/", []), ("ordner/a.xml", Array("<a/>".utf8))]))
        #expect(Array(raw.files.keys) == ["ordner/a.xml"])
    }

    @Test("an entry leaving the folder with '..' refuses the archive")
    func parentPath() {
        let data = RawZip.archive([("pool/ok.xml", Array("<a/>".utf8)), ("../evil.xml", Array("<b/>".utf8))])
        #expect(
            readFailure(data)?.description
                == ImportFailure(
                    file: "pool.zip", line: 1,
                    "entry '../evil.xml' has an unsafe path (absolute or with '..'); the archive is refused"
                ).description)
        #expect(readFailure(RawZip.archive([("pool\\..\\..\\evil.xml", [1])]))?.message.contains("unsafe path") == true)
    }

    @Test("absolute entry paths refuse the archive")
    func absolutePaths() {
        #expect(
            readFailure(RawZip.archive([("/etc/evil.xml", Array("<a/>".utf8))]))?.description
                == ImportFailure(
                    file: "pool.zip", line: 1,
                    "entry '/etc/evil.xml' has an unsafe path (absolute or with '..'); the archive is refused"
                ).description)
        #expect(readFailure(RawZip.archive([("C:\\evil.xml", [1])]))?.message.contains("unsafe path") == true)
        #expect(readFailure(RawZip.archive([("\\\\server\\evil.xml", [1])]))?.message.contains("unsafe path") == true)
    }

    @Test("an entry that expands more than 200 times is a zip bomb")
    func zipBomb() throws {
        let data = try ZipPackage.archive([("bomb.xml", Data(count: 5_000_000))])
        let message = try #require(readFailure(data)?.message)
        #expect(message.hasPrefix("entry 'bomb.xml' expands "))
        #expect(message.hasSuffix(" times; a zip bomb is refused"))
        let ratio = Int(message.dropFirst("entry 'bomb.xml' expands ".count).prefix { $0.isNumber }) ?? 0
        #expect(ratio > 200)
        // Small files may compress well; the ratio only counts for entries over 1 MB.
        #expect(throws: Never.self) {
            try ZipPackage(name: "ok.zip", data: try ZipPackage.archive([("n.xml", Data(count: 900_000))]))
        }
    }

    @Test("more than 5,000 entries refuse the archive; 5,000 are read")
    func tooManyEntries() throws {
        let many = (0...ZipPackage.maximumEntries).map { (path: "e/\($0).txt", data: [UInt8]()) }
        #expect(
            readFailure(RawZip.archive(many))?.description
                == ImportFailure(file: "pool.zip", line: 1, "the archive has more than 5000 entries").description)
        let package = try ZipPackage(name: "pool.zip", data: RawZip.archive(Array(many.dropLast())))
        #expect(package.files.count == ZipPackage.maximumEntries)
    }

    @Test("damaged archives and entries")
    func damaged() throws {
        #expect(
            readFailure(Data("kein zip".utf8))?.description
                == ImportFailure(file: "pool.zip", line: 1, "not a readable zip archive").description
        )
        var deflated = [UInt8](try ZipPackage.archive([("a.xml", Data(repeating: 0x41, count: 4_000))]))
        let nameLength = Int(deflated[26]) | Int(deflated[27]) << 8
        let extraLength = Int(deflated[28]) | Int(deflated[29]) << 8
        deflated[30 + nameLength + extraLength] = 0xFF  // a deflate block of the reserved type 3
        #expect(
            readFailure(Data(deflated))?.description
                == ImportFailure(file: "pool.zip", line: 1, "entry 'a.xml' is damaged and cannot be read").description)
        #expect(
            readFailure(RawZip.archive([("a.xml", Array("<a/>".utf8))], badCRC: true))?.description
                == ImportFailure(
                    file: "pool.zip", line: 1, "entry 'a.xml' is damaged (its CRC-32 checksum does not match)"
                ).description)
    }
}
