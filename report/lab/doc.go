// Package lab holds what mailwire knows about the lab it was written for
// (TP4 "Messagerie", /work/shared/lab/tp4-messagerie.txt): which question
// each finding answers, what the capture answers to each question
// (Answers: catalogue sentences and the frames that prove them, which
// report/view only renders), who sent a message as far as the wire can tell
// (the forged-sender rule of question 1.2.5), and who a student is when
// grading without a roster. Dissectors know nothing of the lab; the
// findings, the report's lab section and the grader all ask this package.
package lab
