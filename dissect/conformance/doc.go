// Package conformance holds no code, only tests that compare mailwire with
// other tools on real captures:
//
//   - TestCrossCheckTshark reads every capture of captures/ with tshark
//     (when tshark and mergecap are installed) and compares the TCP
//     conversations, the SMTP/IMAP/POP3 commands (verb and frame of the
//     first byte) and the credentials with mailwire's records. Captures are
//     merged with mergecap so that tshark starts only a few times.
//   - TestPeerCapturesReadCleanly, TestPeerFacts and TestPeerKnownDifferences
//     read the public captures of peer projects in ../shared/corpus/peers
//     (suricata-verify, nDPI, CredSLayer, PCredz, PcapPlusPlus, mercury and
//     classic challenge captures; see its MANIFEST.md) and check what each
//     peer's own tests expect.
//
// Where tshark or a peer is wrong and the capture proves it, the difference
// is listed with its reason (tsharkDifferences, knownDifferences), so that
// any other disagreement fails. Where mailwire is wrong, the fact keeps the
// right answer and is marked with the bug until its owner fixes it.
package conformance
