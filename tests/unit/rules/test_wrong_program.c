/*
 * test_wrong_program.c - the wrong-program rule, one sentence at a
 * time: a letter to one program that makes another program the object of
 * its interest or praise is held, even when it names its own program too;
 * another program named as the place of an elective, a rotation, research,
 * a conference or a mentor is not reported; any other mention is a warning
 * (held when the letter never names its own program).  The first trips
 * and near misses, a table of letters, and the details of the findings.
 */
#include "config_auto.h"

#include "mg_test.h"
#include "rule_table.h"

static const struct row letters[] = {
	/* --- interest or praise: held though Harborview is named too */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I am especially drawn to "
	    "Lakeside Medical Center because of its prenatal diagnosis "
	    "unit." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I am very excited about "
	    "the Pinecrest Institute and its cardiogenetics clinic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. My interest in Riverbend "
	    "Health grew after reading about its neurogenetics clinic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I would be honored to "
	    "train at Northgate University next year." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I was impressed by your "
	    "program at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Cordillera University's "
	    "strong curriculum in biochemical genetics is what I need." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I would welcome the "
	    "opportunity to join Pinecrest Genetics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Riverbend Genetics is my "
	    "top choice." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. That is why I want to "
	    "match at Lakeside Genetics and Genomics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I believe I would be a "
	    "strong fit at Northgate Genetics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Of all the programs I "
	    "have seen, Cordillera Genetics stands out." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. What draws me to "
	    "Riverbend Health is its adult genetics clinic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I can see myself "
	    "thriving at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Lakeside Medical Center "
	    "would be an ideal place for me to grow as a geneticist." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Pinecrest Genetics is "
	    "where I hope to spend the next four years." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I look forward to "
	    "becoming part of the Northgate Genetics family." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. The mentorship culture "
	    "at Riverbend Health impressed me deeply." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Thank you for the "
	    "wonderful interview day at Cordillera University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I will rank Lakeside "
	    "Genetics and Genomics very highly." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I have long admired the "
	    "pioneering work of Pinecrest Genetics in mitochondrial "
	    "disease." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Northgate University's "
	    "pharmacogenomics service aligns perfectly with my goals." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. The residents at "
	    "Cordillera Genetics seemed happy, and I hope to join them." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Everyone here at "
	    "Riverbend Health made me feel welcome." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I'm thrilled about the "
	    "chance to learn from the faculty at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Riverbend Health offers "
	    "an outstanding neurogenetics clinic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Northgate Genetics has "
	    "always been my dream program." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I love the collaborative "
	    "spirit of Pinecrest Genetics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Training at Cordillera "
	    "University would allow me to serve Spanish-speaking families." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I am eager to contribute "
	    "to the research mission of Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics. The Pinecrest Institute "
	    "is renowned for its mitochondrial disease program." },
	{ MG_SEV_HOLD, HARBOR, "My interest in Lakeside Genetics and Genomics",
	    "I am applying to Harborview Genetics and hope to hear from "
	    "you." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to Harborview Genetics.\n\nI am writing to "
	    "express my strong interest in the Northgate University "
	    "residency program." },
	/* --- experience / place of past activity, Harborview named: silent */
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. During my elective at "
	    "Lakeside Medical Center I saw many families with Marfan "
	    "syndrome." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I rotated at the "
	    "Pinecrest Institute last spring." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I did research with Dr. "
	    "Osei at Pinecrest Genetics on mitochondrial disease." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I met Dr. Lee at the "
	    "Riverbend Health symposium in May." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. During my time at "
	    "Northgate University I learned to counsel families." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Cordillera University's "
	    "lab, where I worked for two years, studies lysosomal disease." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. My mentor at Lakeside "
	    "Medical Center encouraged me to apply to your program." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I completed a "
	    "sub-internship at Riverbend Health in July." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I presented a poster at "
	    "the Northgate Genetics research day." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. My elective at Lakeside "
	    "Medical Center sparked my interest in genetics." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I trained in pediatrics "
	    "at Cordillera University before moving to genetics." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. After two years of "
	    "research at Pinecrest Genetics, I am drawn to your hereditary "
	    "cancer clinic." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Dr. Greenberg, my "
	    "research advisor at Riverbend Health, wrote one of my letters." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. While at Northgate "
	    "University, I became excited about pharmacogenomics." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I am excited about the "
	    "research I did at Lakeside Medical Center and hope to continue "
	    "it with you." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I enjoyed my away "
	    "rotation at Cordillera University." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. My letter of "
	    "recommendation from Dr. Osei at Pinecrest Genetics is in ERAS." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I was impressed by the "
	    "faculty at Riverbend Health during my observership there." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I graduated from "
	    "Northgate University in 2019." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I shadowed genetic "
	    "counselors at Lakeside Medical Center for a month." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Having rotated at "
	    "Cordillera University, I am drawn to your biochemical genetics "
	    "laboratory." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Last spring I spent four "
	    "weeks in cancer genetics at Pinecrest Genetics." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. My interest in "
	    "metabolism began during a clerkship at Riverbend Health." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I was excited to present "
	    "our case at the Lakeside Medical Center grand rounds." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Dr. Okafor at Lakeside "
	    "Medical Center recommended your program to me." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I am drawn to your "
	    "program because my elective at Northgate University showed me "
	    "how much I love clinical genetics." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. The skills I gained at "
	    "Cordillera University will help me in your clinic." },
	{ NONE, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I learned to take a "
	    "three-generation pedigree while rotating at Riverbend Health." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "I am applying to Harborview Genetics. Compared with Lakeside "
	    "Medical Center, your program offers more adult genetics." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "I am applying to Harborview Genetics. I prefer your program "
	    "over Pinecrest Genetics because of your clinics." },
	/* --- experience without Harborview named: still silent */
	{ NONE, HARBOR, NULL,
	    "During my elective at Lakeside Medical Center I saw many "
	    "families with Marfan syndrome." },
	{ NONE, HARBOR, NULL,
	    "I did research at Pinecrest Institute with Dr. Lee before "
	    "applying." },
	{ NONE, HARBOR, NULL,
	    "My research advisor at Riverbend Health suggested that I write "
	    "to you." },
	/* fresh holds, to various programs, own program named */
	{ MG_SEV_HOLD, LAKE, NULL,
	    "Dear Dr. Okafor,\n\nThank you for interviewing me for the "
	    "Lakeside Genetics and Genomics residency. Harborview "
	    "University's hereditary cancer clinic is exactly the kind of "
	    "training I want." },
	{ MG_SEV_HOLD, PINE, NULL,
	    "Thank you for the Pinecrest Genetics interview. I came away "
	    "convinced that Riverbend Health is the right place for me." },
	{ MG_SEV_HOLD, RIVER, NULL,
	    "Riverbend Genetics was a delight to visit. Ultimately, "
	    "Northgate Genetics remains my first choice." },
	{ MG_SEV_HOLD, NORTH, NULL,
	    "I am writing about Northgate Genetics. Few programs can match "
	    "the breadth of Cordillera University, and I would be proud to "
	    "be a resident there." },
	{ MG_SEV_HOLD, CORD, NULL,
	    "I applied to Cordillera Genetics in September. I am keen to "
	    "train with the faculty of Harborview University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics sent me an invitation. I'd be thrilled to "
	    "join the Lakeside Genetics and Genomics team in July." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has a strong clinic. Is there anything "
	    "more I can do to show my enthusiasm for Pinecrest Genetics?" },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is on my list. Becoming a resident at "
	    "Riverbend Health would be a dream come true." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics replied quickly. I remain very interested "
	    "in Northgate University and its pharmacogenomics work." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is great. I was truly inspired by the "
	    "patient-centred care at Cordillera University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics invited me. Lakeside Medical Center's "
	    "commitment to underserved families resonates with me." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is near my family. The Pinecrest Institute "
	    "feels like home to me, and I hope to match there." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics offered a date. Why Riverbend Health? "
	    "Because its neurogenetics clinic is unmatched." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is one of my programs. My enthusiasm for "
	    "Northgate Genetics has only grown since the interview." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is in Seattle. I am confident that "
	    "Cordillera Genetics is the best place for me to train." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics emailed me. I truly appreciate the warm, "
	    "collegial atmosphere at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is a program. Pinecrest Genetics' emphasis "
	    "on mitochondrial medicine excites me." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I would very much like to "
	    "continue my training at Riverbend Health." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. I'm so excited abt the "
	    "Northgate Genetics program!" },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics is strong too. Cordillera University would "
	    "be a perfect fit for my goals." },
	/* fresh holds, own program never named */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I have always admired Lakeside Genetics and Genomics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "The Pinecrest Institute's cardiogenetics clinic is remarkable." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Riverbend Health seems like the place where I could grow the "
	    "most." },
	/* fresh near misses, own program named, to various programs */
	{ NONE, LAKE, NULL,
	    "Lakeside Genetics and Genomics is my goal. I completed my "
	    "internal medicine preliminary year at Harborview University." },
	{ NONE, PINE, NULL,
	    "Pinecrest Genetics, thank you for the interview. Dr. "
	    "Greenberg, who supervised my research at Riverbend Health, "
	    "sends his regards." },
	{ NONE, RIVER, NULL,
	    "Thank you, Riverbend Genetics. At the Northgate University "
	    "conference I met two of your residents." },
	{ NONE, NORTH, NULL,
	    "I am writing to Northgate Genetics about my application. My "
	    "case report, written with colleagues at Cordillera University, "
	    "was accepted." },
	{ NONE, CORD, NULL,
	    "Cordillera Genetics is my interest. Before medical school I "
	    "volunteered at Harborview University for a year." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. My sub-I at Lakeside "
	    "Medical Center confirmed my love for clinical genetics." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. I was a visiting student "
	    "at the Pinecrest Institute in 2025." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. Working in the lab of Dr. "
	    "Greenberg at Riverbend Health taught me patience." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. As an observer at "
	    "Northgate University, I learned how a metabolic clinic runs." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. My co-authors from "
	    "Cordillera University and I published the study in June." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. Lakeside Medical Center, "
	    "where I did my externship, taught me a great deal." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. The two months I spent at "
	    "the Pinecrest Institute were formative." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. I first learned about your "
	    "clinic at a talk I attended at Riverbend Health." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. My PI at Northgate "
	    "University has written to you separately." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. Our poster from Cordillera "
	    "University won a prize." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. I attended the Lakeside "
	    "Medical Center genetics symposium last fall." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. Under Dr. Osei at the "
	    "Pinecrest Institute, I studied mitochondrial disease." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. Riverbend Health, my home "
	    "institution, has no genetics residency." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. I am an alumna of "
	    "Northgate University." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my interest. My clerkship director at "
	    "Cordillera University wrote my letter." },
	/* neutral mentions, A named: stay warn, must not become hold */
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. I have also applied to "
	    "Lakeside Medical Center." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. My sister lives near "
	    "Riverbend Health." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. I will be interviewing at the "
	    "Pinecrest Institute next week as well." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. Dr. Lee from Northgate "
	    "University gave a talk I found useful." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. Cordillera University is "
	    "about two hours from my home." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. I heard that Lakeside Medical "
	    "Center changed its interview dates." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. Both your program and "
	    "Riverbend Health use the same ERAS deadline." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics is my focus. A friend of mine is a "
	    "resident at Northgate University." },
	/* fresh holds in varied grammar */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. Nowhere else have I felt as "
	    "welcome as at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. It would mean the world to me "
	    "to match at Riverbend Health." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. The Pinecrest Institute is, "
	    "without a doubt, my number one choice." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I cannot imagine a better "
	    "place to train than Northgate University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I was captivated by "
	    "Cordillera University's lysosomal storage center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. Please know that Lakeside "
	    "Genetics and Genomics is the program I want most." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I remain deeply committed to "
	    "joining Riverbend Genetics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. Pinecrest Genetics truly "
	    "stood out among all the programs I visited." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. What I value most about "
	    "Northgate Genetics is its teaching culture." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. Cordillera Genetics would "
	    "give me the bilingual training I am looking for." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I was blown away by the "
	    "research opportunities at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I am especially excited by "
	    "the neurogenetics clinic at Riverbend Health." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. Pinecrest Genetics' "
	    "mitochondrial disease program is second to none." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I look forward to the "
	    "possibility of training at Northgate University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics has my file. I sincerely hope to be a "
	    "resident at Cordillera University next year." },
	/* honest, tricky: interest words + experience */
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. My excitement about genetics "
	    "started during a rotation at Lakeside Medical Center." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I was fortunate to do a "
	    "research elective at Riverbend Health last year." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I am grateful to my mentors at "
	    "Northgate University for their support." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I loved working with the "
	    "metabolic team at Cordillera University during my "
	    "sub-internship." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. The patients I cared for at the "
	    "Pinecrest Institute taught me humility." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. It was a privilege to rotate at "
	    "Lakeside Medical Center in March." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I hope to bring the counseling "
	    "skills I learned at Riverbend Health to your clinic." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I was honored to present our "
	    "findings at Northgate University's research symposium." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. Thanks to an observership at "
	    "Cordillera University, I am comfortable with biochemical "
	    "testing." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. Working under Dr. Osei at the "
	    "Pinecrest Institute was inspiring." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. My best clinical experience so "
	    "far was my elective at Lakeside Medical Center." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I am eager to build on my "
	    "training at Riverbend Health." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. My current research at "
	    "Northgate University focuses on pharmacogenomics." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. I enjoyed meeting your "
	    "residents at the Cordillera University conference." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics is my aim. At the Pinecrest Institute, "
	    "where I rotated, I became fascinated by mitochondrial disease." },
	/* near-miss where A not named but B is experience: silent */
	{ NONE, HARBOR, NULL,
	    "My time at Lakeside Medical Center showed me how much I enjoy "
	    "counseling families." },
	{ NONE, HARBOR, NULL,
	    "I spent my research year at the Pinecrest Institute studying "
	    "mitochondrial disease." },
	/* typos / british / odd grammar holds */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. Im really exited about "
	    "Lakeside Medical Center and its prenatal clinic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. I would be honoured to "
	    "undertake my residency at Riverbend Health." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. Cordillera University is, in "
	    "my view, the ideal programme for me." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. I am very much looking "
	    "forward to starting my residency at Lakeside Medical Center." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. Riverbend Genetics has "
	    "everything I am looking for in a residency." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. I hope Northgate Genetics "
	    "will consider me favorably." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. I truly believe that I belong "
	    "at Cordillera University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics got my file. I would be delighted to "
	    "accept a position at Lakeside Medical Center." },
	{ MG_SEV_HOLD, PINE, NULL,
	    "Dear Dr. Osei,\n\nThank you for the opportunity to interview "
	    "with the Pinecrest Institute Genetics Residency. After "
	    "visiting, I am convinced that Northgate University offers the "
	    "training environment I need." },
	{ MG_SEV_HOLD, PINE, NULL,
	    "Dear Dr. Osei,\n\nI wanted to reiterate my enthusiasm for "
	    "Pinecrest Genetics. Meeting the residents at Cordillera "
	    "University confirmed that it is a place where I would thrive." },
	{ MG_SEV_HOLD, RIVER, NULL,
	    "Dear Dr. Greenberg,\n\nThe Riverbend Genetics interview was "
	    "wonderful. I left Harborview University feeling inspired and "
	    "even more eager to join." },
	{ MG_SEV_HOLD, NORTH, NULL,
	    "Dear Dr. Feldman,\n\nThank you for considering my application "
	    "to Northgate Genetics. I am particularly attracted to the "
	    "Lakeside Genetics and Genomics curriculum." },
	{ MG_SEV_HOLD, CORD, NULL,
	    "Dear Dr. Nunez-Ortega,\n\nI write to update Cordillera "
	    "Genetics on my application. I continue to believe that "
	    "Riverbend Health is an exceptional fit for my interests." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nI am writing to Harborview Genetics to "
	    "update you. The clinical exposure at Pinecrest Genetics is "
	    "precisely what I am seeking." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nHarborview Genetics has my update. I "
	    "would be grateful for the chance to train alongside the "
	    "residents of Northgate University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nHarborview Genetics has my update. "
	    "Lakeside Medical Center's focus on genomic medicine makes it "
	    "an ideal place for me." },
	{ NONE, PINE, NULL,
	    "Dear Dr. Osei,\n\nThank you for the Pinecrest Genetics "
	    "interview. My away rotation at Northgate University prepared "
	    "me well for it." },
	{ NONE, RIVER, NULL,
	    "Dear Dr. Greenberg,\n\nThank you for the Riverbend Genetics "
	    "interview. I mentioned my research with Dr. Lee at Harborview "
	    "University, and I attach the abstract." },
	{ NONE, NORTH, NULL,
	    "Dear Dr. Feldman,\n\nI am excited about Northgate Genetics. My "
	    "recommendation letters come from faculty at Cordillera "
	    "University and Lakeside Medical Center." },
	{ NONE, CORD, NULL,
	    "Dear Dr. Nunez-Ortega,\n\nCordillera Genetics is my choice. "
	    "Last month I gave a talk at the Riverbend Health genetics "
	    "grand rounds." },
	{ NONE, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nHarborview Genetics is my hope. I spent "
	    "six weeks on the inpatient genetics service at Lakeside "
	    "Medical Center, which taught me how to work with "
	    "neonatologists." },
	{ NONE, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nHarborview Genetics is my hope. The "
	    "Pinecrest Institute, where I completed my externship, sees "
	    "many mitochondrial patients." },
	{ NONE, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nHarborview Genetics is my hope. I was "
	    "inspired by the geneticists I worked with at Riverbend Health." },
	{ NONE, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nHarborview Genetics is my hope. Dr. "
	    "Greenberg of Riverbend Health, my research mentor, sends his "
	    "best." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I look forward to hearing from "
	    "Lakeside Medical Center soon." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. The supportive environment at "
	    "Riverbend Health really stood out to me." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I was particularly impressed "
	    "with Northgate Genetics' pharmacogenomics service." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I am confident that Cordillera "
	    "University is the right place for me." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. Pinecrest Genetics would be a "
	    "great place for me to grow." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I came away from my visit to "
	    "Lakeside Medical Center even more enthusiastic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. Riverbend Health's "
	    "neurogenetics clinic is a big reason I applied." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I appreciated learning about "
	    "the research opportunities at Northgate University." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. The Cordillera Genetics "
	    "residents made me feel part of the team." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I hope Pinecrest Genetics will "
	    "keep me in mind." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. Please let the Lakeside "
	    "Genetics and Genomics selection committee know that I remain "
	    "very interested." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Harborview Genetics, thank you. I was excited to learn that "
	    "Riverbend Health is expanding its adult genetics clinic." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics, thank you. I will be finishing my "
	    "research fellowship at Lakeside Medical Center in June." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Harborview Genetics, thank you. My husband works at Riverbend "
	    "Health, so I know the area well." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics, thank you. I learned to interpret exome "
	    "reports during a month at Northgate University." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics, thank you. Cordillera University hosted "
	    "the regional genetics meeting where I presented." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics, thank you. The case I described was seen "
	    "at the Pinecrest Institute during my clerkship." },
	{ NONE, HARBOR, NULL,
	    "Harborview Genetics, thank you. I am still in touch with my "
	    "research supervisor at Lakeside Medical Center." },
};

static void
wrong_program_table(void **state)
{
	run_table(*state, "wrong-program", "wrong-program", letters,
	    sizeof(letters) / sizeof(letters[0]));
}

/* The evidence is the whole sentence (not cut at "Dr."), and the advice
 * names both programs. */
static void
wrong_program_evidence(void **state)
{
	struct fixture		*fx = *state;
	const struct mg_finding	*f;

	run(fx, HARBOR, NULL, "Dear Dr. Marchetti,\n\nThank you for the "
	    "Harborview Genetics interview.  Like Dr. Okafor, I am especially\n"
	    "drawn to Lakeside Medical Center because of its prenatal "
	    "diagnosis unit.\n\nBest,\nPriya");
	assert_non_null(f = finding(fx, "wrong-program"));
	assert_int_equal(f->sev, MG_SEV_HOLD);
	assert_string_equal(f->evidence, "Like Dr. Okafor, I am especially "
	    "drawn to Lakeside Medical Center because of its prenatal "
	    "diagnosis unit.");
	assert_non_null(strstr(f->message, "\"Lakeside Medical Center\""));
	assert_non_null(strstr(f->message, "the letter goes to Harborview "
	    "University Medical Genetics Residency"));
	assert_non_null(strstr(f->message, "or remove it"));
}

/* The other program in the subject. */
static void
wrong_program_subject(void **state)
{
	struct fixture	*fx = *state;

	run(fx, HARBOR, "Why I want to train at Riverbend Health",
	    "I am applying to Harborview Genetics this year.");
	expect(fx, "wrong-program", MG_SEV_HOLD);
	run(fx, HARBOR, "Update after my elective at Riverbend Health",
	    "I am applying to Harborview Genetics this year.");
	expect_none(fx, "wrong-program");
}

/* Not a mistake, whatever the sentence says: the same institution, and a
 * mention inside the recipient's own name. */
static void
wrong_program_exempt(void **state)
{
	struct fixture	*fx = *state;

	run(fx, LAKEPED, NULL, "I am especially drawn to Lakeside Medical "
	    "Center and its skeletal dysplasia clinic.");
	expect_none(fx, "wrong-program");
	run(fx, LAKE, NULL, "Lakeside Genetics and Genomics is my top choice.");
	expect_none(fx, "wrong-program");
}

/* Interest in one program outweighs a neutral mention of another, in
 * either order. */
static void
wrong_program_worst_mention(void **state)
{
	struct fixture	*fx = *state;

	run(fx, HARBOR, NULL, "Harborview Genetics is my focus. I also applied "
	    "to Northgate University. I am drawn to Cordillera Genetics.");
	expect(fx, "wrong-program", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "wrong-program")->evidence,
	    "Cordillera"));
	run(fx, HARBOR, NULL, "Harborview Genetics is my focus. I am drawn to "
	    "Cordillera Genetics. I also applied to Northgate University.");
	expect(fx, "wrong-program", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "wrong-program")->evidence,
	    "Cordillera"));
}

static void
wrong_program_trips(void **state)
{
	struct fixture	*fx = *state;

	run(fx, HARBOR, NULL, "I am very excited about the Lakeside Medical "
	    "Center program and its curriculum.");
	expect(fx, "wrong-program", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "wrong-program")->evidence,
	    "Lakeside Medical Center"));
	/* Names both: a warning. */
	run(fx, HARBOR, NULL, "Harborview Genetics is where I want to train; "
	    "Lakeside Medical Center was also impressive.");
	expect(fx, "wrong-program", MG_SEV_WARN);
	/* "The" dropped, across a line break, other case. */
	run(fx, HARBOR, NULL, "I would be proud to join pinecrest institute\n"
	    "genetics residency next year.");
	expect(fx, "wrong-program", MG_SEV_HOLD);
}

static void
wrong_program_near_misses(void **state)
{
	struct fixture	*fx = *state;

	run(fx, HARBOR, NULL, "During my rotation at Lakeside Medical Center I "
	    "saw your hereditary cancer clinic's referrals.");
	expect_none(fx, "wrong-program");
	/* The same, wrapped at 72 columns in the middle of the sentence. */
	run(fx, HARBOR, NULL, "Last spring I spent four weeks on an elective\n"
	    "in cancer genetics at Lakeside Medical Center, where I\nlearned "
	    "to take a family history.");
	expect_none(fx, "wrong-program");
	run(fx, HARBOR, NULL, "I did research at Pinecrest Institute with Dr. "
	    "Lee before applying.");
	expect_none(fx, "wrong-program");
	/* Same institution as the recipient. */
	run(fx, LAKEPED, NULL, "Lakeside Medical Center has been my home for "
	    "two years.");
	expect_none(fx, "wrong-program");
	/* The recipient's own name. */
	run(fx, HARBOR, NULL, "Harborview University Medical Genetics "
	    "Residency is my goal.");
	expect_none(fx, "wrong-program");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wrong_program_trips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(wrong_program_near_misses,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_program_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(wrong_program_evidence, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(wrong_program_subject, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(wrong_program_exempt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(wrong_program_worst_mention,
		    setup, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
