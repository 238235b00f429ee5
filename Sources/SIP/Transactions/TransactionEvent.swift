import SIPMessage

/// What happens to a transaction: the input of every transaction state machine. Each machine
/// takes the events of its side and ignores the others (a client transaction ignores
/// `.tuResponse`, a server transaction ignores `.response`).
public enum TransactionEvent: Sendable, Equatable {
    /// A response from the network that matched this client transaction (§17.1.3).
    case response(SIPResponse)
    /// A request from the network that matched this server transaction (§17.2.3): a
    /// retransmission of the request, or the ACK of a server INVITE transaction.
    case request(SIPRequest)
    /// A timer this transaction started has fired.
    case timerFired(TransactionTimer)
    /// The transport could not send what this transaction asked it to (§17.1.1.2, §17.2.1, §18).
    case transportError
    /// A response the TU wants sent on this server transaction.
    case tuResponse(SIPResponse)
}

/// What a transaction asks its driver to do, in order.
///
/// When a machine emits `.terminated` it is done: the driver drops it and cancels any of its
/// timers still running (the machine does not list them). Until then, `.cancelTimer` is emitted
/// for every timer that stops mattering.
public enum TransactionAction: Sendable, Equatable {
    /// Hand this message to the transport, to the transaction's destination.
    case send(SIPMessage)
    /// Start (or restart) a timer; when it fires, feed `.timerFired` back.
    case startTimer(TransactionTimer, after: Duration)
    case cancelTimer(TransactionTimer)
    /// Give this message to the transaction user (§17: responses upstream, requests to the UAS core).
    case passToTU(SIPMessage)
    /// The transaction timed out (timer B, F or H): the TU acts as if it received 408 (§8.1.3.1)
    /// or, on the server side, as if the ACK never came (§13.3.1.4).
    case timeout
    /// The transport failed (§17.1.4, §17.2.4): the TU acts as if it received 503 (§8.1.3.1).
    case transportFailed
    /// The transaction reached Terminated.
    case terminated
}
