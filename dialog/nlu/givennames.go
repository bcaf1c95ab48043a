package nlu

import "strings"

// A line that is only a name, under the last paragraph of a mail and with
// nothing else around it, is the writer's name when it starts with a given
// name people are called by; "…please help.\nSony Bravia" does not. The
// list is of common given names in the markets kefu serves (English-speaking
// countries, Europe, South and South-East Asia, Africa, and Chinese people's
// English names); it only ever confirms a name already shaped like one.
var extGivenNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
		aaron adam adrian ahmad ahmed aisha alan albert alex alexander alice alicia amanda amelia amy ana
		andrea andrew angela anita ann anna anne annie anthony antonio arjun arthur ashley aoife barbara ben
		benjamin beth betty bill bob brandon brenda brian bruce carl carla carlos carol caroline catherine
		charles charlotte chen chloe chris christina christine christopher ciaran claire colin conor craig
		daniel david deborah declan dennis diana diane dorothy douglas dylan edward elena eleanor elizabeth
		ella emily emma eric erin ethan eva evelyn fatima fiona frank gary george grace graham greg hannah
		harry heather helen henry holly hugh ian isabella jack jacob james jane janet jason jennifer jenny
		jessica jim joan joanne joe john jonathan jordan jose joseph joshua joy joyce judith julia julie justin
		karen kate katherine kathleen katie keith kelly ken kenneth kevin kim laura lauren leo liam linda lisa
		lucas lucy luke margaret maria mark martin mary matthew megan melissa michael michelle mike mohammed
		muhammad nancy natalie nathan nicholas nicole niamh noah olivia oliver pamela patricia patrick paul
		peter philip priya rachel raj rebecca richard robert ruth ryan samantha samuel sandra sara sarah scott
		sean sharon simon sophie stephen steven stuart susan tanya thomas tim timothy tom tony victoria vincent
		wayne william zoe
		abby alison amber andy becky bev brad cam carly chloe claire dan danny dave dean debbie derek
		ellie gemma greg jake jess jessie jill josh kate kelly kerry kirsty leanne lily lisa lorraine
		maggie matt molly nat nick nina ollie pat phil rob rosie sally sam shane sue tess tyler vicky
		anand deepak divya kavya lakshmi manoj meera neha pooja prakash rahul rajesh ramesh ravi rohan rohit
		sanjay sneha sunil suresh vijay vikram anil arun kiran nikhil
		siti nur aziz farah hafiz ismail rizal wayan putu made ketut dewi agus budi eko joko sri
		maricel marites jose juan miguel rosa carmen luis pedro jorge rafael fernando ricardo gabriel
		hans jurgen klaus stefan thomas jonas lukas felix maximilian lena anja katrin monika petra sabine
		pierre jean marie sophie camille louis hugo lea chloe manon julien nicolas
		marco luca giulia francesca matteo alessandro chiara
		sven lars erik nils ingrid astrid maarten pieter jan sanne daan
		chinedu ngozi emeka tunde adebayo kwame kofi ama abena sipho thabo lerato themba zanele
		wei ming li hui jun lin mei xin yan ying hao jie kai lei tao bo yu
		kenji hiroshi yuki akiko takeshi haruto minh anh linh tuan thanh somchai ananda
	`) {
		m[n] = true
	}
	return m
}()

// extGivenNameLead reports whether line is two or three words starting with
// a given name: "Peter Lang", "Liam O'Connor".
func extGivenNameLead(line string) bool {
	ws := strings.Fields(strings.Trim(strings.TrimSpace(line), ",."))
	if len(ws) < 2 || len(ws) > 3 {
		return false
	}
	return extGivenNames[strings.ToLower(ws[0])]
}
