import DoorStation
import Testing

@Suite struct CallerAllowListTests {
    static let list = CallerAllowList(["sip:apartment@127.0.0.1", "\"Flat 3\" <sip:flat3@Example.org>", "sip:192.168.1.20", "sip:[::1]"])

    @Test(arguments: [
        ("sip:apartment@127.0.0.1", true),
        ("<sip:apartment@127.0.0.1:5070;transport=udp>", true),
        ("\"Apartment\" <sips:apartment@127.0.0.1>;tag=1", true),
        ("sip:stranger@127.0.0.1", false),
        ("sip:Apartment@127.0.0.1", false),
        ("sip:flat3@example.ORG", true),
        ("sip:anyone@192.168.1.20:5062", true),
        ("sip:anyone@192.168.1.21", false),
        ("sip:phone@[::1]:5070", true),
        ("tel:+4912345", false),
        ("garbage", false),
    ])
    func callersAreMatchedByUserAndHost(caller: String, allowed: Bool) {
        #expect(Self.list.allows(caller) == allowed)
    }

    @Test func emptyListAllowsNobody() {
        #expect(CallerAllowList([]).allows("sip:apartment@127.0.0.1") == false)
        #expect(CallerAllowList([]).isEmpty)
    }
}
