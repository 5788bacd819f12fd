import Foundation

/// Self-written ILIAS question pool fixtures (QTI 1.2 as ILIAS writes it) for the importer tests.
enum ILIASFixtures {
    /// A `questestinterop` document holding `items`.
    static func document(_ items: String...) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">
        <!--Export of ILIAS Test Questionpool 123 of installation 0.-->
        <questestinterop>
        \(items.joined(separator: "\n"))
        </questestinterop>

        """
    }

    /// An ILIAS `item` with the usual metadata; `fields` are extra `qtimetadatafield`s.
    static func item(
        _ type: String?, title: String, ident: String = "il_0_qst_1", version: String = "7.15 2022-10-19",
        fields: [(String, String)] = [], flow: String, conditions: String = "", outcomes: String = "<decvar/>",
        feedback: String = "", extra: String = ""
    ) -> String {
        var metadata = "<qtimetadatafield><fieldlabel>ILIAS_VERSION</fieldlabel><fieldentry>\(version)</fieldentry>"
        metadata += "</qtimetadatafield>\n"
        if let type {
            metadata += "<qtimetadatafield><fieldlabel>QUESTIONTYPE</fieldlabel><fieldentry>\(type)</fieldentry>"
            metadata += "</qtimetadatafield>\n"
        }
        metadata += "<qtimetadatafield><fieldlabel>AUTHOR</fieldlabel><fieldentry>Verwaltungsakademie Nord"
        metadata += "</fieldentry></qtimetadatafield>\n"
        for (label, entry) in fields {
            metadata += "<qtimetadatafield><fieldlabel>\(label)</fieldlabel><fieldentry>\(entry)</fieldentry>"
            metadata += "</qtimetadatafield>\n"
        }
        return """
            <item ident="\(ident)" title="\(title)" maxattempts="0">
            <qticomment/>
            <duration>P0Y0M0DT0H2M0S</duration>
            <itemmetadata>
            <qtimetadata>
            \(metadata)</qtimetadata>
            </itemmetadata>
            <presentation label="\(title)">
            <flow>
            \(flow)
            </flow>
            </presentation>
            <resprocessing>
            <outcomes>\(outcomes)</outcomes>
            \(conditions)
            </resprocessing>
            \(feedback)\(extra)
            </item>
            """
    }

    static func text(_ text: String, html: Bool = false) -> String {
        "<material><mattext texttype=\"\(html ? "text/xhtml" : "text/plain")\">\(text)</mattext></material>"
    }

    static func choice(_ ident: String, cardinality: String, maxnumber: String? = nil, _ options: [String]) -> String {
        let limit = maxnumber.map { " minnumber=\"0\" maxnumber=\"\($0)\"" } ?? ""
        var result = "<response_lid ident=\"\(ident)\" rcardinality=\"\(cardinality)\">"
        result += "<render_choice shuffle=\"Yes\"\(limit)>\n"
        for (index, option) in options.enumerated() {
            result += "<response_label ident=\"\(index)\">\(text(option))</response_label>\n"
        }
        return result + "</render_choice></response_lid>"
    }

    /// A `respcondition` testing `varequal` (or its negation) with optional points and feedback link.
    static func condition(
        _ respident: String, _ value: String, points: String?, not negated: Bool = false, index: String? = nil,
        feedback: String? = nil
    ) -> String {
        let indexAttribute = index.map { " index=\"\($0)\"" } ?? ""
        var test = "<varequal respident=\"\(respident)\"\(indexAttribute)>\(value)</varequal>"
        if negated { test = "<not>\(test)</not>" }
        var result = "<respcondition continue=\"Yes\"><conditionvar>\(test)</conditionvar>"
        if let points { result += "<setvar action=\"Add\">\(points)</setvar>" }
        if let feedback { result += "<displayfeedback feedbacktype=\"Response\" linkrefid=\"\(feedback)\"/>" }
        return result + "</respcondition>"
    }

    static func feedback(_ ident: String, _ content: String, html: Bool = false) -> String {
        "<itemfeedback ident=\"\(ident)\" view=\"All\"><flow_mat>\(text(content, html: html))</flow_mat></itemfeedback>"
    }

    // MARK: The questions

    static let singleChoice = item(
        "SINGLE CHOICE QUESTION", title: "Hauptstadt Deutschland", ident: "il_0_qst_101",
        flow: text("Welche Stadt ist die Hauptstadt der Bundesrepublik Deutschland?")
            + choice("MCSR", cardinality: "Single", ["Bonn", "Berlin", "Frankfurt am Main"]),
        conditions: condition("MCSR", "0", points: "0", feedback: "response_0")
            + condition("MCSR", "1", points: "2", feedback: "response_1")
            + condition("MCSR", "2", points: "0", feedback: "response_2"),
        feedback: feedback("response_0", "Bonn war bis 1990 Regierungssitz.") + feedback("response_1", "")
            + feedback("response_2", ""))

    static let weightedSingleChoice = item(
        "SINGLE CHOICE QUESTION", title: "Zuständigkeit Meldewesen", ident: "il_0_qst_102",
        flow: text("Wer ist für das Meldewesen zuständig?")
            + choice(
                "MCSR", cardinality: "Single",
                ["die Meldebehörde der Gemeinde", "das Standesamt", "das Landratsamt", "das Finanzamt"]),
        conditions: condition("MCSR", "0", points: "3") + condition("MCSR", "1", points: "1.5")
            + condition("MCSR", "2", points: "0") + condition("MCSR", "3", points: "-1"))

    static let multipleChoice = item(
        "MULTIPLE CHOICE QUESTION", title: "Zulässige Rechtsformen", ident: "il_0_qst_103",
        flow: text("Welche Rechtsformen kann ein kommunales Unternehmen haben?")
            + choice(
                "MCMR", cardinality: "Multiple", maxnumber: "3",
                ["Eigenbetrieb", "GmbH", "Offene Handelsgesellschaft", "Kommanditgesellschaft auf Aktien"]),
        conditions: condition("MCMR", "0", points: "2", feedback: "response_0")
            + condition("MCMR", "0", points: "0", not: true)
            + condition("MCMR", "1", points: "1.5", feedback: "response_1")
            + condition("MCMR", "1", points: "0", not: true)
            + condition("MCMR", "2", points: "-1", feedback: "response_2")
            + condition("MCMR", "2", points: "0.5", not: true)
            + condition("MCMR", "3", points: "0", feedback: "response_3")
            + condition("MCMR", "3", points: "1", not: true)
                + """
                <respcondition continue="Yes"><conditionvar><varequal respident="MCMR">0</varequal>\
                <varequal respident="MCMR">1</varequal><not><varequal respident="MCMR">2</varequal></not>\
                <not><varequal respident="MCMR">3</varequal></not></conditionvar>\
                <displayfeedback feedbacktype="Response" linkrefid="response_allcorrect"/></respcondition>
                <respcondition continue="Yes"><conditionvar><not><varequal respident="MCMR">0</varequal></not>\
                <or><not><varequal respident="MCMR">1</varequal></not></or></conditionvar>\
                <displayfeedback feedbacktype="Response" linkrefid="response_onenotcorrect"/></respcondition>
                """,
        feedback: feedback("response_0", "Richtig: Eigenbetriebe sind Sondervermögen der Gemeinde.")
            + feedback("response_1", "") + feedback("response_2", "Nein, die OHG haftet unbeschränkt.")
            + feedback("response_3", "") + feedback("response_allcorrect", "<p>Sehr gut!</p>", html: true)
            + feedback("response_onenotcorrect", "Lesen Sie § 108 GO nach."))

    static let cloze = item(
        "CLOZE QUESTION", title: "Bayern", ident: "il_0_qst_104",
        fields: [
            ("textgaprating", "ci"), ("fixedTextLength", "0"), ("identicalScoring", "1"), ("combinations", "bnVsbA=="),
        ],
        flow: text("&lt;p&gt;Ergänzen Sie den &lt;strong&gt;Satz&lt;/strong&gt;.&lt;/p&gt;", html: true)
            + text("Die Hauptstadt von Bayern ist ")
                + """
                <response_str ident="gap_0" rcardinality="Single"><render_fib fibtype="String" prompt="Box" columns="12" \
                maxchars="0"/></response_str>
                """
            + text(" und liegt an der ")
                + """
                <response_str ident="gap_1" rcardinality="Single"><render_choice shuffle="No">\
                <response_label ident="0"><material><mattext>Isar</mattext></material></response_label>\
                <response_label ident="1"><material><mattext>Elbe</mattext></material></response_label>\
                <response_label ident="2"><material><mattext>Donau</mattext></material></response_label>\
                </render_choice></response_str>
                """
            + text(". Dort leben etwa ")
                + """
                <response_num ident="gap_2" numtype="Decimal" rcardinality="Single"><render_fib fibtype="Decimal" \
                prompt="Box" columns="4" maxchars="0" minnumber="1.4" maxnumber="1.6"/></response_num>
                """
            + text(" Millionen Menschen."),
        conditions: condition("gap_0", "München", points: "2", feedback: "0_Response_0")
            + condition("gap_0", "Muenchen", points: "1")
            + condition("gap_1", "Isar", points: "1", feedback: "1_Response_0")
            + condition("gap_1", "Elbe", points: "0")
            + condition("gap_1", "Donau", points: "0", feedback: "1_Response_2")
            + condition("gap_2", "1.5", points: "1.5"),
        feedback: feedback("0_Response_0", "Genau, München.") + feedback("1_Response_0", "")
            + feedback("1_Response_2", "Die Donau fließt durch Regensburg."))

    static let clozeWithApproximations = item(
        "CLOZE QUESTION", title: "Fristen", ident: "il_0_qst_105", version: "4.4.10 2015-01-01",
        fields: [
            ("textgaprating", "l2"), ("identicalScoring", "0"),
            ("combinations", Data("[{\"gap\":0}]".utf8).base64EncodedString()),
        ],
        flow: text("Ein Widerspruch ist innerhalb von ")
            + """
            <response_num ident="gap_0" numtype="Decimal" rcardinality="Single"><render_fib fibtype="Decimal" \
            prompt="Box"/></response_num>
            """
            + text(" Tagen bei der ")
            + "<response_str ident=\"gap_1\" rcardinality=\"Single\"><render_fib fibtype=\"String\"/></response_str>"
            + text(" einzulegen."),
        conditions: """
            <respcondition continue="Yes"><conditionvar><vargte respident="gap_0">28</vargte>\
            <varlte respident="gap_0">31</varlte></conditionvar><setvar action="Add">2</setvar></respcondition>
            """
                + condition("gap_1", "Behörde", points: "0.75"))

    static let ordering = item(
        "ORDERING QUESTION", title: "Ablauf Satzungsverfahren", ident: "il_0_qst_106",
        fields: [("thumb_geometry", "100"), ("element_height", ""), ("points", "4")],
        flow: text("Bringen Sie die Schritte in die richtige Reihenfolge.")
            + """
            <response_lid ident="OQT" rcardinality="Ordered" output="javascript"><render_choice shuffle="Yes">
            <response_label ident="3154_0_0_0"><material><material><mattext texttype="text/plain">Entwurf</mattext>\
            </material></material><material><mattext label="answerdepth">0</mattext></material></response_label>
            <response_label ident="9282_1_1_0"><material><material><mattext texttype="text/plain">Beschluss im Rat\
            </mattext></material></material><material><mattext label="answerdepth">0</mattext></material>\
            </response_label>
            <response_label ident="4410_2_2_0"><material><material><mattext texttype="text/plain">Ausfertigung\
            </mattext></material></material><material><mattext label="answerdepth">0</mattext></material>\
            </response_label>
            <response_label ident="1037_3_3_0"><material><material><mattext texttype="text/plain">Bekanntmachung\
            </mattext></material></material><material><mattext label="answerdepth">0</mattext></material>\
            </response_label>
            </render_choice></response_lid>
            """,
        conditions: condition("OQT", "0", points: "1", index: "0", feedback: "link_0")
            + condition("OQT", "1", points: "1", index: "1", feedback: "link_1")
            + condition("OQT", "2", points: "1", index: "2", feedback: "link_2")
            + condition("OQT", "3", points: "1", index: "3", feedback: "link_3"),
        feedback: feedback("link_0", "") + feedback("link_1", "") + feedback("link_2", "") + feedback("link_3", ""))

    static let essay = item(
        "TEXT QUESTION", title: "Bürgerbeteiligung", ident: "il_0_qst_107",
        fields: [
            ("wordcounter", "0"), ("textrating", "ci"), ("matchcondition", "0"),
            ("termscoring", Data("a:1:{i:0;O:20:\"ilAssAnswerKeyword\":0:{}}".utf8).base64EncodedString()),
            ("termrelation", "any"), ("specificfeedback", "any"),
        ],
        flow: text("Erläutern Sie zwei Formen der Bürgerbeteiligung.")
            + """
            <response_str ident="TEXT" rcardinality="Ordered"><render_fib fibtype="String" prompt="Box" \
            maxchars="2000"><response_label ident="A"/></render_fib></response_str>
            """,
        conditions: """
            <respcondition><conditionvar><other>tutor_rated</other></conditionvar></respcondition>
            """,
        outcomes: "<decvar varname=\"WritingScore\" vartype=\"Integer\" minvalue=\"0\" maxvalue=\"6\"/>")

    static let numeric = item(
        "NUMERIC QUESTION", title: "Grunderwerbsteuer", ident: "il_0_qst_108",
        flow: text("Wie viel Prozent beträgt die Grunderwerbsteuer in Bayern?")
            + """
            <response_num ident="NUM" rcardinality="Single" numtype="Decimal"><render_fib fibtype="Decimal" \
            maxchars="6"/></response_num>
            """,
        conditions: """
            <respcondition><conditionvar><vargte respident="NUM">3.5</vargte><varlte respident="NUM">3.5</varlte>\
            </conditionvar><setvar action="Add">1.25</setvar><displayfeedback feedbacktype="Response" \
            linkrefid="Correct"/></respcondition>
            """,
        feedback: "<itemfeedback ident=\"Correct\" view=\"All\"><flow_mat><material><mattext/></material></flow_mat>"
            + "</itemfeedback>")

    static let matching = item(
        "MATCHING QUESTION", title: "Organe der Gemeinde", ident: "il_0_qst_109",
        fields: [("shuffle", "1"), ("thumb_geometry", "100"), ("matching_mode", "1:1")],
        flow: text("Ordnen Sie den Organen ihre Aufgaben zu.")
            + """
            <response_grp ident="MQ" rcardinality="Multiple"><render_choice shuffle="Yes">
            <response_label ident="1" match_max="1" match_group="11,12,13"><material>\
            <mattext texttype="text/plain">Gemeinderat</mattext></material></response_label>
            <response_label ident="2" match_max="1" match_group="11,12,13"><material>\
            <mattext texttype="text/plain">Bürgermeister</mattext></material></response_label>
            <response_label ident="11"><material><mattext texttype="text/plain">beschließt die Haushaltssatzung\
            </mattext></material></response_label>
            <response_label ident="12"><material><mattext texttype="text/plain">vollzieht die Beschlüsse</mattext>\
            </material></response_label>
            <response_label ident="13"><material><mattext texttype="text/plain">prüft die Jahresrechnung</mattext>\
            </material></response_label>
            </render_choice></response_grp>
            """,
        conditions: """
            <respcondition continue="Yes"><conditionvar><varsubset respident="MQ">11,1</varsubset></conditionvar>\
            <setvar action="Add">1.5</setvar><displayfeedback feedbacktype="Response" linkrefid="correct_11_1"/>\
            </respcondition>
            <respcondition continue="Yes"><conditionvar><varsubset respident="MQ">12,2</varsubset></conditionvar>\
            <setvar action="Add">1.5</setvar><displayfeedback feedbacktype="Response" linkrefid="correct_12_2"/>\
            </respcondition>
            """)

    static let kprim = item(
        "KPRIM CHOICE QUESTION", title: "Aussagen zur Kommunalaufsicht", ident: "il_0_qst_110",
        flow: text("Beurteilen Sie die Aussagen.")
            + "<response_lid ident=\"KPRIM\" rcardinality=\"Multiple\"><render_choice shuffle=\"No\"/></response_lid>",
        conditions: condition("KPRIM", "0", points: "2"))

    static let htmlSingleChoice = item(
        "SINGLE CHOICE QUESTION", title: "Gebührentabelle", ident: "il_0_qst_111",
        flow: """
            <material><mattext texttype="text/xhtml">&lt;p&gt;Welche Gebühr gilt laut &lt;em&gt;Tabelle&lt;/em&gt;?\
            &lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Ausweis&lt;/td&gt;&lt;td&gt;37 €&lt;/td&gt;&lt;/tr&gt;\
            &lt;/table&gt;&lt;p&gt;&lt;img src="il_0_mob_12" alt=""/&gt;&lt;/p&gt;</mattext>\
            <matimage label="il_0_mob_12" uri="objects/il_0_mob_12/gebuehren.png"/></material>
            """
                + choice("MCSR", cardinality: "Single", ["37 €", "22,80 €"]),
        conditions: condition("MCSR", "0", points: "1") + condition("MCSR", "1", points: "0"),
        feedback: feedback("allgemein", "Siehe Gebührenverordnung."))

    static let zeroPoints = item(
        "SINGLE CHOICE QUESTION", title: "Ohne Punkte", ident: "il_0_qst_112",
        flow: text("Eine Frage ohne Punkte?") + choice("MCSR", cardinality: "Single", ["Ja", "Nein"]),
        conditions: condition("MCSR", "0", points: "0") + condition("MCSR", "1", points: "0"))

    /// All fixture questions in one pool.
    static let pool = document(
        singleChoice, weightedSingleChoice, multipleChoice, cloze, clozeWithApproximations, ordering, essay, numeric,
        matching, kprim, htmlSingleChoice, zeroPoints)

    /// The pool file ILIAS writes next to the question file.
    static let poolFile = """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE Test SYSTEM "http://www.ilias.uni-koeln.de/download/dtd/ilias_co.dtd">
        <!--Export of ILIAS Test Questionpool 123 of installation 0.-->
        <ContentObject Type="Questionpool_Test">
        <MetaData><General Structure="Hierarchical"><Identifier Catalog="ILIAS" Entry="il_0_qpl_123"/>
        <Title Language="de">Kommunalrecht Grundlagen</Title><Language Language="de"/>
        <Description Language="de">Fragen für den Einführungslehrgang</Description></General></MetaData>
        <Settings><ShowTaxonomies>0</ShowTaxonomies></Settings>
        <PageObject><PageContent PCID="1"><Question QRef="il_0_qst_101"/></PageContent></PageObject>
        <PageObject><PageContent PCID="2"><Paragraph Language="de" Characteristic="Standard">Lesen Sie zuerst \
        § 1 GO.</Paragraph></PageContent><PageContent PCID="3"><Question QRef="il_0_qst_102"/></PageContent>\
        </PageObject>
        </ContentObject>

        """
}
