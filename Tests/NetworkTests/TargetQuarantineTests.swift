import Network
import Testing

private let one = SIPServerTarget(transport: .udp, address: "127.0.0.2", port: 5060, hostname: "reg1.door.test")
private let two = SIPServerTarget(transport: .udp, address: "127.0.0.3", port: 5060, hostname: "reg2.door.test")
private let three = SIPServerTarget(transport: .tcp, address: "127.0.0.3", port: 5060, hostname: "reg2.door.test")

extension DNS {
    @Suite struct TargetQuarantineTests {
        /// (failures as (target index, time), now, expected order of the target indices)
        static let table: [([(Int, Double)], Double, [Int])] = [
            ([], 100, [0, 1, 2]),
            ([(0, 100)], 100, [1, 2, 0]),
            ([(0, 100)], 129.9, [1, 2, 0]),
            ([(0, 100)], 130, [0, 1, 2]),  // released after the default 30 s
            ([(1, 100), (0, 110)], 115, [2, 1, 0]),  // the soonest released first
            ([(0, 110), (1, 100), (2, 105)], 115, [1, 2, 0]),  // all dead: all still tried
            ([(0, 100), (0, 125)], 140, [1, 2, 0]),  // a new failure extends the term
        ]

        @Test(arguments: table)
        func quarantinedTargetsGoLast(_ dead: [(Int, Double)], _ now: Double, _ expected: [Int]) {
            let targets = [one, two, three]
            var quarantine = TargetQuarantine()
            for (index, time) in dead { quarantine.markDead(targets[index], now: time) }
            #expect(quarantine.order(targets, now: now) == expected.map { targets[$0] })
        }

        @Test func markAliveReleasesAtOnce() {
            var quarantine = TargetQuarantine(duration: 5)
            quarantine.markDead(one, now: 0)
            #expect(quarantine.isQuarantined(one, now: 4.9))
            #expect(!quarantine.isQuarantined(one, now: 5))
            quarantine.markAlive(one)
            #expect(!quarantine.isQuarantined(one, now: 1))
            #expect(quarantine.order([one, two], now: 1) == [one, two])
        }

        @Test func releasedTargetsArePruned() {
            var quarantine = TargetQuarantine(duration: 10)
            quarantine.markDead(one, now: 0)
            quarantine.markDead(two, now: 5)
            #expect(quarantine.count == 2)
            quarantine.prune(now: 12)
            #expect(quarantine.count == 1)
            quarantine.markDead(three, now: 20)  // marking prunes too
            #expect(quarantine.count == 1)
        }

        @Test func unknownTargetsAreHealthy() {
            var quarantine = TargetQuarantine()
            quarantine.markDead(one, now: 0)
            #expect(quarantine.order([two, three], now: 1) == [two, three])
            #expect(quarantine.order([], now: 1).isEmpty)
        }
    }
}
