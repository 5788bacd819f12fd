import Assessment

/// Lays out the three certificate designs on an A4 page.
struct CertificateLayout {
    static let pageWidth = 595.276
    static let pageHeight = 841.89
    static let centerX = pageWidth / 2
    static let textWidth = 451.0

    let serif: EmbeddedFont
    let sans: EmbeddedFont
    /// The wrapped lines of the static texts that are wrapped (the signature note, the proctoring sentence), in
    /// both languages: laid out once, read by every certificate.
    private let staticLines: [StaticWrap: [ShapedText]]

    /// A static text wrapped in one font, size and width.
    private struct StaticWrap: Hashable {
        let text: String
        let font: String
        let size: Double
        let width: Double
    }

    /// Width of the footer's text column, left of the QR code.
    static let footerColumnWidth = pageWidth - 38 - 220 - 64 - 20

    init(serif: EmbeddedFont, sans: EmbeddedFont) {
        self.serif = serif
        self.sans = sans
        var lines: [StaticWrap: [ShapedText]] = [:]
        for language in CertificateRecord.Language.allCases {
            let words = Wording(language: language)
            for (text, size, width) in [
                (words.signatureNote, 7.5, Self.footerColumnWidth), (words.proctoring, 9.5, Self.textWidth - 40),
            ] {
                lines[StaticWrap(text: text, font: sans.resourceName, size: size, width: width)] =
                    MeasuredWords(text, font: sans, cache: true).lines(size: size, width: width).map {
                        sans.shape($0, cache: true)
                    }
            }
        }
        staticLines = lines
    }

    /// Colours of a tier's design.
    struct Palette {
        let primary: Color
        let accent: Color
    }

    static func palette(_ tier: Tier) -> Palette {
        switch tier {
        case .attendance:
            Palette(
                primary: Color(red: 0.13, green: 0.30, blue: 0.52), accent: Color(red: 0.62, green: 0.71, blue: 0.82))
        case .scored:
            Palette(
                primary: Color(red: 0.0, green: 0.40, blue: 0.38), accent: Color(red: 0.60, green: 0.78, blue: 0.75))
        case .qualified:
            Palette(
                primary: Color(red: 0.47, green: 0.08, blue: 0.15), accent: Color(red: 0.78, green: 0.62, blue: 0.25))
        }
    }

    /// Every static text of both languages, shaped once and part of the cached base font subsets.
    static func staticTexts() -> [String] {
        var texts: [String] = []
        for language in CertificateRecord.Language.allCases {
            let words = Wording(language: language)
            for tier in Tier.allCases {
                texts.append(words.title(tier))
                if let subtitle = words.subtitle(tier) { texts.append(subtitle) }
            }
            texts += [
                words.certify, words.inCourse, words.scoreLabel, words.proctoring, words.issuerLabel, words.idLabel,
                words.verifyLabel, words.signatureNote, words.ectsUnit, "KommunalCampus", "KC",
            ]
        }
        return texts
    }

    /// Largest size (down to `minimum`) at which `text` fits `width`; the shaped text is returned too.
    private func fit(_ text: String, font: EmbeddedFont, size: Double, minimum: Double, width: Double) -> (
        ShapedText, Double
    ) {
        let shaped = font.shape(text)
        let natural = shaped.width(atSize: size)
        guard natural > width else { return (shaped, size) }
        return (shaped, max(minimum, size * width / natural))
    }

    /// Words of a text with their widths at size 1, shaped once so that line breaking at any size
    /// and width is arithmetic only.
    private struct MeasuredWords {
        let words: [String]
        let widths: [Double]
        let space: Double

        init(_ text: String, font: EmbeddedFont, cache: Bool) {
            words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            widths = words.map { font.shape($0, cache: cache).width(atSize: 1) }
            space = font.shape(" ", cache: true).width(atSize: 1)
        }

        /// Greedy line breaks: a word wider than the line stays whole on its own line.
        func lines(size: Double, width: Double) -> [String] {
            var lines: [String] = []
            var current: [String] = []
            var currentWidth = 0.0
            for (word, wordWidth) in zip(words, widths) {
                let added = current.isEmpty ? wordWidth * size : currentWidth + (space + wordWidth) * size
                if current.isEmpty || added <= width {
                    current.append(word)
                    currentWidth = added
                } else {
                    lines.append(current.joined(separator: " "))
                    current = [word]
                    currentWidth = wordWidth * size
                }
            }
            if !current.isEmpty { lines.append(current.joined(separator: " ")) }
            return lines
        }

        var totalWidth: Double { widths.reduce(0, +) + space * Double(max(0, words.count - 1)) }
    }

    /// Greedy word wrap into lines no wider than `width` (a static text's lines as laid out once).
    private func wrap(_ text: String, font: EmbeddedFont, size: Double, width: Double, cache: Bool = false)
        -> [ShapedText]
    {
        if cache, let lines = staticLines[StaticWrap(text: text, font: font.resourceName, size: size, width: width)] {
            return lines
        }
        return MeasuredWords(text, font: font, cache: cache).lines(size: size, width: width).map {
            font.shape($0, cache: cache)
        }
    }

    /// Wraps `text` into lines of similar length (no short last line) no wider than `width`.
    private func balancedWrap(_ text: String, font: EmbeddedFont, size: Double, width: Double) -> [ShapedText] {
        let measured = MeasuredWords(text, font: font, cache: false)
        var lines = measured.lines(size: size, width: width)
        if lines.count > 1 {
            var target = measured.totalWidth * size / Double(lines.count)
            while target < width {
                let balanced = measured.lines(size: size, width: target)
                if balanced.count == lines.count {
                    lines = balanced
                    break
                }
                target += 8
            }
        }
        return lines.map { font.shape($0) }
    }

    /// Wraps `text` into at most `maxLines` lines, shrinking the size until it fits (never clipping:
    /// a single word wider than the line shrinks the whole block).
    private func wrapToFit(
        _ text: String, font: EmbeddedFont, size: Double, minimum: Double, width: Double, maxLines: Int
    ) -> ([ShapedText], Double) {
        let measured = MeasuredWords(text, font: font, cache: false)
        var size = size
        var lines = measured.lines(size: size, width: width)
        while lines.count > maxLines && size > minimum {
            size = max(minimum, size - 1)
            lines = measured.lines(size: size, width: width)
        }
        let shaped = lines.map { font.shape($0) }
        let widest = shaped.map { $0.width(atSize: size) }.max() ?? 0
        return (shaped, widest > width ? size * width / widest : size)
    }

    /// Lowest baseline the body may use; the footer (issue date, issuer, id, QR code) sits below.
    static let bodyFloor = 278.0

    /// Draws the certificate page for `record`, with the QR code for `url`. Long content first
    /// tightens the gaps between blocks so that the body never runs into the footer.
    func draw(_ record: CertificateRecord, qr: QRCode, url: String) -> Canvas {
        // The footer (QR code, issue date, issuer, id, address) stands at fixed places: drawn once, whatever the
        // body's spacing.
        var footer = Canvas(capacity: 0)
        drawFooter(
            &footer, record: record, words: Wording(language: record.language), palette: Self.palette(record.tier),
            qr: qr, url: url)
        let (canvas, bottom, gaps) = drawPage(record, footer: footer, spacing: 1)
        guard bottom < Self.bodyFloor, gaps > 0 else { return canvas }
        let spacing = max(0.45, 1 - (Self.bodyFloor - bottom) / gaps)
        return drawPage(record, footer: footer, spacing: spacing).canvas
    }

    /// The page with the body's vertical gaps scaled by `spacing`, then `footer`; where the body ends and the sum of
    /// its unscaled gaps.
    private func drawPage(_ record: CertificateRecord, footer: Canvas, spacing: Double)
        -> (canvas: Canvas, bottom: Double, gaps: Double)
    {
        var gaps = 0.0
        /// A vertical gap between blocks: scaled by `spacing`, and summed so a second pass can fit.
        func gap(_ points: Double) -> Double {
            gaps += points
            return points * spacing
        }
        let words = Wording(language: record.language)
        let palette = Self.palette(record.tier)
        var canvas = Canvas(capacity: 4 * 1024 + footer.content.count)
        let cx = Self.centerX

        drawFrame(&canvas, tier: record.tier, palette: palette)

        // Header: provider and platform.
        var y = 768.0
        let (provider, providerSize) = fit(
            record.course.provider, font: sans, size: 11, minimum: 7, width: Self.textWidth)
        canvas.text(provider, font: sans, size: providerSize, x: cx, y: y, alignment: .center, color: Color(gray: 0.3))
        y -= 15
        canvas.text(
            sans.shape("KommunalCampus", cache: true), font: sans, size: 8.5, x: cx, y: y, alignment: .center,
            color: palette.primary)

        // Title and subtitle.
        y = 700
        let (title, titleSize) = fit(
            words.title(record.tier), font: serif, size: 32, minimum: 18, width: Self.textWidth)
        if record.tier == .scored {
            canvas.fillColor(palette.primary)
            canvas.fillRectangle(x: 44, y: y - 14, width: Self.pageWidth - 88, height: titleSize + 22)
            canvas.text(title, font: serif, size: titleSize, x: cx, y: y, alignment: .center, color: .white)
        } else {
            canvas.text(title, font: serif, size: titleSize, x: cx, y: y, alignment: .center, color: palette.primary)
        }
        y -= gap(30)
        if let subtitle = words.subtitle(record.tier) {
            canvas.text(
                sans.shape(subtitle, cache: true), font: sans, size: 13, x: cx, y: y, alignment: .center,
                color: palette.primary)
            y -= gap(14)
        }
        canvas.strokeColor(palette.accent)
        canvas.lineWidth(0.8)
        canvas.line(from: (cx - 90, y), to: (cx + 90, y))

        // Holder.
        y -= gap(44)
        canvas.text(sans.shape(words.certify, cache: true), font: sans, size: 12, x: cx, y: y, alignment: .center)
        y -= gap(42)
        // One line down to 18 pt; longer names go onto two lines (down to 12 pt) rather than shrink further.
        var (nameLines, nameSize) = wrapToFit(
            record.holder.name, font: serif, size: 28, minimum: 18, width: Self.textWidth, maxLines: 1)
        if nameLines.count > 1 {
            (nameLines, nameSize) = wrapToFit(
                record.holder.name, font: serif, size: 24, minimum: 12, width: Self.textWidth, maxLines: 2)
        }
        for line in nameLines {
            canvas.text(line, font: serif, size: nameSize, x: cx, y: y, alignment: .center)
            y -= nameSize * 1.2
        }
        y += nameSize * 1.2 - 10
        canvas.strokeColor(palette.accent)
        canvas.lineWidth(0.5)
        canvas.line(from: (cx - 170, y), to: (cx + 170, y))
        if let birthDate = record.holder.birthDate {
            y -= gap(16)
            canvas.text(
                sans.shape(words.born(birthDate)), font: sans, size: 10, x: cx, y: y, alignment: .center,
                color: Color(gray: 0.3))
        }

        // Course.
        y -= gap(30)
        canvas.text(sans.shape(words.inCourse, cache: true), font: sans, size: 12, x: cx, y: y, alignment: .center)
        y -= gap(28)
        let (courseLines, courseSize) = wrapToFit(
            record.course.title, font: serif, size: 19, minimum: 11, width: Self.textWidth, maxLines: 3)
        for line in courseLines {
            canvas.text(line, font: serif, size: courseSize, x: cx, y: y, alignment: .center, color: palette.primary)
            y -= courseSize * 1.25
        }
        y -= gap(4)
        let (offered, offeredSize) = fit(
            words.offeredBy(record.course.provider), font: sans, size: 11, minimum: 7, width: Self.textWidth)
        canvas.text(offered, font: sans, size: offeredSize, x: cx, y: y, alignment: .center, color: Color(gray: 0.3))
        y -= gap(20)
        let period = words.period(start: record.course.start, end: record.course.end, tier: record.tier)
        for line in balancedWrap(period, font: sans, size: 12, width: Self.textWidth) {
            canvas.text(line, font: sans, size: 12, x: cx, y: y, alignment: .center)
            y -= 15
        }

        // Attendance: a seal fills the space the score takes on the other designs.
        if record.tier == .attendance, y - Self.bodyFloor > 150 {
            let centerY = (y + Self.bodyFloor) / 2
            canvas.strokeColor(palette.accent)
            canvas.lineWidth(2)
            canvas.circle(centerX: cx, centerY: centerY, radius: 46, fill: false)
            canvas.lineWidth(0.6)
            canvas.circle(centerX: cx, centerY: centerY, radius: 40, fill: false)
            canvas.text(
                serif.shape("KC", cache: true), font: serif, size: 26, x: cx, y: centerY - 4, alignment: .center,
                color: palette.primary)
            canvas.text(
                sans.shape("KommunalCampus", cache: true), font: sans, size: 6.5, x: cx, y: centerY - 18,
                alignment: .center, color: palette.primary)
        }

        // Tier block.
        if let score = record.score {
            y -= gap(22)
            canvas.text(
                sans.shape(words.scoreLabel, cache: true), font: sans, size: 9.5, x: cx, y: y, alignment: .center,
                color: Color(gray: 0.35))
            y -= gap(30)
            let percent = serif.shape(words.percent(score.percent))
            let points = sans.shape(words.points(score.points, of: score.maximum))
            if record.tier == .qualified, let ects = record.course.ects {
                let seal = (x: cx + 182, y: y - 8)
                canvas.fillColor(palette.accent)
                canvas.circle(centerX: seal.x, centerY: seal.y, radius: 34, fill: true)
                canvas.strokeColor(.white)
                canvas.lineWidth(1.2)
                canvas.circle(centerX: seal.x, centerY: seal.y, radius: 29, fill: false)
                canvas.text(
                    serif.shape(words.number(ects)), font: serif, size: 20, x: seal.x, y: seal.y - 1,
                    alignment: .center, color: .white)
                canvas.text(
                    sans.shape(words.ectsUnit, cache: true), font: sans, size: 9, x: seal.x, y: seal.y - 14,
                    alignment: .center, color: .white)
            }
            canvas.text(percent, font: serif, size: 26, x: cx, y: y, alignment: .center, color: palette.primary)
            y -= 18
            canvas.text(points, font: sans, size: 11, x: cx, y: y, alignment: .center)
            if record.tier == .qualified, let ects = record.course.ects {
                y -= gap(24)
                canvas.text(sans.shape(words.ects(ects)), font: sans, size: 11, x: cx, y: y, alignment: .center)
                y -= gap(18)
                for line in wrap(words.proctoring, font: sans, size: 9.5, width: Self.textWidth - 40, cache: true) {
                    canvas.text(line, font: sans, size: 9.5, x: cx, y: y, alignment: .center, color: Color(gray: 0.25))
                    y -= 12
                }
            }
        }

        canvas.append(footer)
        return (canvas, y, gaps)
    }

    private func drawFrame(_ canvas: inout Canvas, tier: Tier, palette: Palette) {
        let w = Self.pageWidth
        let h = Self.pageHeight
        switch tier {
        case .attendance:
            canvas.strokeColor(palette.primary)
            canvas.lineWidth(1.2)
            canvas.strokeRectangle(x: 26, y: 26, width: w - 52, height: h - 52)
            canvas.strokeColor(palette.accent)
            canvas.lineWidth(0.5)
            canvas.strokeRectangle(x: 31, y: 31, width: w - 62, height: h - 62)
        case .scored:
            canvas.fillColor(palette.accent)
            canvas.fillRectangle(x: 26, y: 26, width: 8, height: h - 52)
            canvas.strokeColor(palette.primary)
            canvas.lineWidth(1.5)
            canvas.strokeRectangle(x: 26, y: 26, width: w - 52, height: h - 52)
        case .qualified:
            canvas.strokeColor(palette.accent)
            canvas.lineWidth(4)
            canvas.strokeRectangle(x: 24, y: 24, width: w - 48, height: h - 48)
            canvas.strokeColor(palette.primary)
            canvas.lineWidth(0.8)
            canvas.strokeRectangle(x: 32, y: 32, width: w - 64, height: h - 64)
            canvas.fillColor(palette.primary)
            for (x, y) in [(32.0, 32.0), (w - 32, 32.0), (32.0, h - 32), (w - 32, h - 32)] {
                canvas.fillPolygon([(x, y + 7), (x + 7, y), (x, y - 7), (x - 7, y)])
            }
        }
    }

    private func drawFooter(
        _ canvas: inout Canvas, record: CertificateRecord, words: Wording, palette: Palette, qr: QRCode, url: String
    ) {
        // 220 pt (78 mm) for a version-12 symbol with a 2-module margin drawn (the page around it is blank for more
        // than the 4 modules the standard asks): 2.2 pixels per module at 50 dpi, so a photocopy, a poor scan or a
        // print at half size still decodes.
        let qrSize = 220.0
        let qrX = Self.pageWidth - 38 - qrSize
        let qrY = 36.0
        canvas.qrCode(qr, x: qrX, y: qrY, size: qrSize, quietZone: 2)
        canvas.text(
            sans.shape(words.verifyLabel, cache: true), font: sans, size: 8.5, x: qrX + qrSize / 2, y: qrY + qrSize + 6,
            alignment: .center, color: Color(gray: 0.3))

        let left = 64.0
        let columnWidth = Self.footerColumnWidth
        var y = 196.0
        let (issuedLine, issuedSize) = fit(
            words.issuedOn(record.issued, validUntil: record.validUntil), font: sans, size: 10.5, minimum: 7,
            width: columnWidth)
        canvas.text(issuedLine, font: sans, size: issuedSize, x: left, y: y)
        y -= 24
        canvas.text(
            sans.shape(words.issuerLabel, cache: true), font: sans, size: 8, x: left, y: y, color: Color(gray: 0.4))
        y -= 13
        let (issuer, issuerSize) = fit(record.issuer, font: sans, size: 10.5, minimum: 6, width: columnWidth)
        canvas.text(issuer, font: sans, size: issuerSize, x: left, y: y)
        y -= 22
        canvas.text(sans.shape(words.idLabel, cache: true), font: sans, size: 8, x: left, y: y, color: Color(gray: 0.4))
        y -= 15
        canvas.text(sans.shape(record.id), font: sans, size: 13, x: left, y: y, color: palette.primary)
        y -= 14
        // For people: the address without the token, scheme and host in lower case (the QR code has them upper
        // case for its alphanumeric mode), as they would type it.
        var address = url.prefix { $0 != "#" }
        let path = "/V/" + record.id
        var shownPath = ""
        if address.hasSuffix(path) {
            address.removeLast(path.count)
            shownPath = "/v/" + record.id
        }
        let shownURL = ASCIIEdits.schemeAndHost(of: address, upper: false) + shownPath
        let (link, linkSize) = fit(shownURL, font: sans, size: 8, minimum: 5, width: columnWidth)
        canvas.text(link, font: sans, size: linkSize, x: left, y: y, color: Color(gray: 0.3))
        y -= 20
        for line in wrap(words.signatureNote, font: sans, size: 7.5, width: columnWidth, cache: true) {
            canvas.text(line, font: sans, size: 7.5, x: left, y: y, color: Color(gray: 0.4))
            y -= 9.5
        }
    }
}
