import NIOCore
import NIOHTTP1
import NIOPosix

/// The load of `campus bench serve`: one HTTP/1.1 keep-alive connection per learner (NIO's HTTP codec), each
/// saving one answer after the other entirely on its event loop — no task, no connection pool, no per-request
/// allocation beyond the request itself — so that the generator, which shares the machine's cores with the server
/// and the database, takes as little of them as it can.
struct SaveLoad: Sendable {
    /// What one learner's connection measured.
    struct Partial: Sendable {
        var latencies: [Double] = []
        var errors = 0
        var samples: [String] = []
    }

    /// One learner: the attempt's answers path, the API token and the `ITEM\tJSON` answers it alternates between.
    struct Learner: Sendable {
        let path: String
        let token: String
        let answers: [String]
    }

    /// When the load runs and what it counts.
    struct Schedule: Sendable {
        /// Saves sent from here on and answered before `end` count.
        let measureFrom: NIODeadline
        let end: NIODeadline
        /// Time between one learner's saves at a given rate; `nil`: the next as soon as the last is answered.
        let interval: TimeAmount?
    }

    /// Tells a connected learner to start: its schedule and when its first save is due.
    struct Begin: Sendable {
        let schedule: Schedule
        let firstDue: NIODeadline
    }

    let host: String
    let port: Int
    /// Warm-up before the measured time.
    let warmUp: TimeAmount
    /// The measured time.
    let measured: TimeAmount
    /// Time between one learner's saves at a given rate; `nil`: as fast as the server answers.
    let interval: TimeAmount?

    /// Connects every learner, then runs their saves until the schedule ends (the clock starts once all are
    /// connected, so that no learner begins behind its schedule); returns what each measured.
    func run(_ learners: [Learner], group: any EventLoopGroup) async throws -> [Partial] {
        var results: [EventLoopFuture<Partial>] = []
        var channels: [any Channel] = []
        for learner in learners {
            let loop = group.next()
            let done = loop.makePromise(of: Partial.self)
            let host = self.host
            let channel = try await ClientBootstrap(group: loop)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            SaverHandler(learner: learner, host: host, done: done))
                    }
                }
                .connect(host: host, port: port).get()
            channels.append(channel)
            results.append(done.futureResult)
        }
        let start = NIODeadline.now() + .milliseconds(100)
        let measureFrom = start + warmUp
        let schedule = Schedule(measureFrom: measureFrom, end: measureFrom + measured, interval: interval)
        for (index, channel) in channels.enumerated() {
            // The learners' turns spread evenly over one interval.
            let offset = TimeAmount.nanoseconds((interval?.nanoseconds ?? 0) * Int64(index) / Int64(channels.count))
            channel.pipeline.fireUserInboundEventTriggered(Begin(schedule: schedule, firstDue: start + offset))
        }
        var partials: [Partial] = []
        for result in results { partials.append(try await result.get()) }
        return partials
    }
}

/// One learner's connection: sends a save, reads its answer, records the latency, sends the next when it is due.
private final class SaverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let learner: SaveLoad.Learner
    /// The learner's answers as request paths and JSON answers, made once.
    private let answers: [(path: String, answer: Substring)]
    private let host: String
    private var schedule = SaveLoad.Schedule(measureFrom: .now(), end: .now(), interval: nil)
    private let done: EventLoopPromise<SaveLoad.Partial>
    private var partial = SaveLoad.Partial()
    private var due = NIODeadline.now()
    private var begun = false
    private var sequence: Int64 = 0
    private var sent = NIODeadline.now()
    private var status: HTTPResponseStatus = .ok
    private var failureBody = ""
    private var finished = false

    init(learner: SaveLoad.Learner, host: String, done: EventLoopPromise<SaveLoad.Partial>) {
        self.learner = learner
        answers = learner.answers.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (learner.path + parts[0], parts.count > 1 ? parts[1] : "null")
        }
        self.host = host
        self.done = done
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let begin = event as? SaveLoad.Begin else { return context.fireUserInboundEventTriggered(event) }
        schedule = begin.schedule
        due = begin.firstDue
        begun = true
        next(context: context)
    }

    /// Sends the next save now or when it is due (as fast as answered, only the first waits for the start); ends
    /// when the schedule does.
    private func next(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if due > now {
            guard due < schedule.end else { return finish(context: context) }
            context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { self.send(context: context) }
            return
        }
        send(context: context)
    }

    private func send(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        guard now < schedule.end, !finished else { return finish(context: context) }
        sequence += 1
        let (path, answer) = answers[Int(sequence % Int64(answers.count))]
        let body = context.channel.allocator.buffer(string: #"{"sequence":\#(sequence),"answer":\#(answer)}"#)
        var head = HTTPRequestHead(version: .http1_1, method: .PUT, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Authorization", value: "Bearer \(learner.token)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        // Open loop: latency counts from when the save was due.
        sent = schedule.interval == nil ? now : due
        if let interval = schedule.interval { due = due + interval }
        status = .ok
        failureBody = ""
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            status = response.status
        case .body(let buffer):
            if !(200..<300).contains(status.code), failureBody.utf8.count < 200 {
                failureBody += String(buffer: buffer)
            }
        case .end:
            let now = NIODeadline.now()
            if sent >= schedule.measureFrom, now <= schedule.end {
                if (200..<300).contains(status.code) {
                    partial.latencies.append(Double((now - sent).nanoseconds) / 1e6)
                } else {
                    record(error: "HTTP \(status.code): \(failureBody.prefix(200))")
                }
            }
            next(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        record(error: "\(error)")
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished, !begun || NIODeadline.now() < schedule.end {
            record(error: "the server closed the connection")
        }
        finish(context: context)
    }

    private func record(error: String) {
        partial.errors += 1
        if partial.samples.count < 3 { partial.samples.append(error) }
    }

    private func finish(context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        done.succeed(partial)
        context.close(promise: nil)
    }
}
